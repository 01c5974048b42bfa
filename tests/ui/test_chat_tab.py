"""The Chat tab's handler called directly over the real seeds index, with the scripted LLM (tests/scripted_llm.py,
not a model: exact replies, recorded prompts). Dateline's own logic: what each step shows, the per-session state."""

from ui.chat_tab import READING, RETRIEVING, WRITING_CURSOR, ChatSession, ChatTab
from ui.render import escape_text

QUESTION = "When did Putin last visit Pyongyang?"
RIGHT = "Putin last visited Pyongyang in July 2000 [1]."


def _ask(tab, question, session, as_of="", published_from="", published_to="", llm="scripted"):
    return list(tab.respond(question, [], session, as_of, published_from, published_to, llm, 4))


def test_each_step_shows_retrieving_the_sources_the_words_then_the_verified_answer(seeds_index, scripted_llm):
    settings, store = seeds_index
    scripted_llm.reply(RIGHT, "July 2000")
    steps = _ask(ChatTab(store, settings), QUESTION, ChatSession())
    shown = [history[-1]["content"] for history, _, _, _ in steps]
    assert shown[0] == RETRIEVING and shown[1] == READING
    assert all(text.endswith(WRITING_CURSOR) for text in shown[2:-1]) and len(shown) > 4  # streamed word by word
    history, session, sources, question_box = steps[-1]
    assert history[0] == {"role": "user", "content": escape_text(QUESTION)}
    assert "July 2000" in shown[-1] and '<a class="dl-cite" href="#dl-src-1-1">[1]</a>' in shown[-1]
    assert 'id="dl-src-1-1"' in sources and "<mark>" in sources and "Sources cited" in sources
    assert question_box == "" and len(session.panels) == 1 and session.turns[0].question == QUESTION
    assert "Reading these sources" in steps[1][2]  # the retrieved sources are shown before the model writes


def test_a_wrong_answer_shows_an_abstention_and_the_closest_passages_not_cited(seeds_index, scripted_llm):
    settings, store = seeds_index
    scripted_llm.reply("Putin last visited Pyongyang in September 2023 [1].")
    history, session, sources, _ = _ask(ChatTab(store, settings), QUESTION, ChatSession())[-1]
    assert 'class="dl-abstain"' in history[-1]["content"] and "dl-cite" not in history[-1]["content"]
    assert "Closest passages" in sources and "dl-cited" not in sources


def test_bad_dates_are_one_message_and_nothing_is_asked(seeds_index, scripted_llm):
    settings, store = seeds_index
    before = ChatSession()
    for field in ({"as_of": "yesterday"}, {"published_from": "2024-13-01"}, {"published_to": "soon"}):
        (history, session, sources, _), = _ask(ChatTab(store, settings), QUESTION, before, **field)
        assert 'class="dl-error"' in history[-1]["content"] and "YYYY-MM-DD" in history[-1]["content"]
        assert session is before
    assert scripted_llm.prompts == []


def test_a_failing_model_is_a_readable_message_and_the_session_goes_on(seeds_index, scripted_llm):
    settings, store = seeds_index
    tab = ChatTab(store, settings)
    history, session, _, _ = _ask(tab, QUESTION, ChatSession())[-1]  # no reply queued: the LLM raises
    assert 'class="dl-error"' in history[-1]["content"] and "Could not answer" in history[-1]["content"]
    history, _, _, _ = _ask(tab, QUESTION, ChatSession(), llm="llamacpp:/nowhere/model.gguf")[-1]
    assert "/nowhere/model.gguf" in history[-1]["content"]
    scripted_llm.reply(RIGHT, "July 2000")
    history, session, _, _ = _ask(tab, QUESTION, session)[-1]
    assert "dl-cite" in history[-1]["content"]


def test_a_follow_up_uses_this_session_only_and_earlier_sources_fold_away(seeds_index, scripted_llm):
    settings, store = seeds_index
    tab = ChatTab(store, settings)
    scripted_llm.reply(RIGHT, "July 2000")
    first = _ask(tab, QUESTION, ChatSession())[-1][1]
    scripted_llm.reply("I don't know.")
    history, second, sources, _ = _ask(tab, "And before that?", first)[-1]
    assert "Understood as: When did Putin last visit Pyongyang" in history[-1]["content"].replace("&#63;", "?")
    assert len(second.panels) == 2 and len(first.panels) == 1  # the earlier state is not changed in place
    assert sources.index("Q2:") < sources.index("<details><summary>earlier question</summary>") < sources.index("Q1:")
    scripted_llm.reply("I don't know.")
    history, _, _, _ = _ask(tab, "And before that?", ChatSession())[-1]  # another session: nothing to refer to
    assert "Understood as" not in history[-1]["content"]
