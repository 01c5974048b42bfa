"""A small corpus written for the conflict tests: one landslide that two outlets report on the same day with
different death tolls, a later report with a higher toll, and another disaster on the same day that must never be
taken for the landslide's other side."""

from pathlib import Path

_FILLER = ("Rescue teams worked through the night with dogs and heavy diggers. Schools in the valley were closed "
           "and the regional road was shut to traffic. The government promised emergency payments to families.")
ARTICLES = {
    "harbour-post-landslide.md": ("Landslide buries homes in Tolvic", "Harbour Post", "2026-04-14",
                                  "A landslide in the mountain village of Tolvic killed 23 people on Monday, "
                                  "13 April 2026, regional officials said."),
    "valley-times-landslide.md": ("Tolvic landslide: dozens dead", "Valley Times", "2026-04-14",
                                  "The landslide that hit the village of Tolvic on Monday killed 31 people, the "
                                  "civil defence agency said."),
    "valley-times-toll-rises.md": ("Tolvic landslide toll rises", "Valley Times", "2026-04-28",
                                   "The death toll from the Tolvic landslide rose to 35 on Monday, 27 April 2026, "
                                   "after rescuers recovered four more bodies, the civil defence agency said."),
    "marden-floods.md": ("Floods hit Marden", "Harbour Post", "2026-04-14",
                         "Floods in the town of Marden killed 12 people on Monday, 13 April 2026, after the river "
                         "burst its banks, officials said."),
}
QUESTION = "How many people died in the Tolvic landslide?"
TOPIC = "Tolvic landslide"


def write_corpus(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, (title, outlet, published, lead) in ARTICLES.items():
        (folder / name).write_text(f"---\ntitle: {title}\noutlet: {outlet}\npublished: {published}\n---\n\n"
                                   f"{lead}\n\n{_FILLER}\n", encoding="utf-8")
    return folder
