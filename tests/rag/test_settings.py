import pytest

from rag.settings import SettingsError, load_settings


def test_flags_beat_env_beat_toml_beat_defaults(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert load_settings().top_k == 4
    (tmp_path / "dateline.toml").write_text("top_k = 6\nchunk_size = 900\n")
    assert (load_settings().top_k, load_settings().chunk_size) == (6, 900)
    monkeypatch.setenv("DATELINE_TOP_K", "7")
    assert load_settings().top_k == 7
    assert load_settings(top_k=8).top_k == 8
    assert load_settings(top_k=None).top_k == 7  # a flag not given does not override


def test_data_and_model_dirs_derive_from_home(tmp_path, monkeypatch):
    monkeypatch.setenv("DATELINE_HOME", str(tmp_path))
    settings = load_settings()
    assert settings.index_dir == tmp_path / "index"
    assert settings.model_cache == tmp_path / "models"


@pytest.mark.parametrize(
    ("overrides", "name"), [({"top_k": 0}, "top_k"), ({"chunk_size": 120, "chunk_overlap": 500}, "chunk_overlap")]
)
def test_bad_values_are_one_line_errors_naming_the_setting(overrides, name):
    with pytest.raises(SettingsError, match=name) as caught:
        load_settings(**overrides)
    assert "\n" not in str(caught.value)


def test_bad_env_value_and_unknown_toml_key(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATELINE_TOP_K", "many")
    with pytest.raises(SettingsError, match="top_k"):
        load_settings()
    monkeypatch.delenv("DATELINE_TOP_K")
    (tmp_path / "dateline.toml").write_text("topk = 3\n")
    with pytest.raises(SettingsError, match="topk"):
        load_settings()
