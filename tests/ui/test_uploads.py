from ui.uploads import safe_name, save_uploads


def test_names_cannot_leave_the_uploads_folder():
    assert safe_name("../../etc/passwd") == "passwd"
    assert safe_name("..\\..\\evil.txt") == "evil.txt"
    assert safe_name(".hidden.md") == "hidden.md"
    assert safe_name("kelmora bridge <x>.txt") == "kelmora_bridge_x_.txt"
    assert safe_name("///") == "upload"


def test_wrong_type_and_oversized_files_are_refused_and_nothing_is_left_behind(tmp_path):
    incoming = tmp_path / "incoming"
    incoming.mkdir()
    (incoming / "story.md").write_text("# A story\n\n" + "Text. " * 50)
    (incoming / "tool.exe").write_bytes(b"MZ")
    (incoming / "huge.txt").write_text("x" * 2000)
    dest = tmp_path / "uploads"
    saved, problems = save_uploads([str(p) for p in sorted(incoming.iterdir())], dest, max_bytes=1000)
    assert saved == [dest / "story.md"]
    assert len(problems) == 2
    assert problems[0].startswith("huge.txt: 0.0 MB is over the 0.001 MB limit")
    assert problems[1].startswith("tool.exe: unsupported file type '.exe'")
    assert sorted(p.name for p in dest.iterdir()) == ["story.md"]
