"""The Evaluation tab's handler called directly on the seeds set, with the scripted LLM (tests/scripted_llm.py, not a
model): the status line, the metrics table, the charts and the per-question rows of a run."""

from rag.settings import load_settings
from ui.evaluation_tab import EVAL_ROW_COLUMNS, EvaluationTab

REPLIES = ["Putin last visited Pyongyang in July 2000 [1].", "July 2000",  # seeds-01: right, and its second reading
           "Putin met Kim Jong Il in Pyongyang in July 2000 [1].", "Kim Jong Il",  # seeds-02: right
           "I don't know."]  # seeds-03 (Boris Yeltsin): a miss


def test_a_run_shows_its_status_metrics_charts_and_rows(tmp_path, scripted_llm):
    scripted_llm.reply(*REPLIES)
    status, metrics, charts, rows = EvaluationTab(load_settings(home=tmp_path)).run("seeds", "scripted", 3)
    assert status.startswith("3 questions on seeds with scripted: accuracy 0.667; missed: 1 ")
    runs = list((tmp_path / "eval-runs").iterdir())
    assert len(runs) == 1 and runs[0].name.startswith("seeds-") and str(runs[0]) in status
    assert (runs[0] / "report.html").exists()
    assert metrics["headers"][:2] == ["metric", "overall"]
    accuracy = next(row for row in metrics["value"] if row[0] == "accuracy")
    assert accuracy[1] == 0.6667
    assert charts.count("<svg") >= 10
    assert len(rows[0]) == len(EVAL_ROW_COLUMNS)
    assert [(row[0], row[-1]) for row in rows] == [("seeds-01", "yes"), ("seeds-02", "yes"), ("seeds-03", "no")]
    assert "July 2000" in rows[0][4]  # the citation's own text


def test_a_failed_run_is_one_message_and_leaves_the_tables_as_they_were(tmp_path):
    status, *others = EvaluationTab(load_settings(home=tmp_path)).run("seeds", "llamacpp:/nowhere/model.gguf", 2)
    assert status.startswith("⚠️ The run failed: ") and "/nowhere/model.gguf" in status
    assert others == [{"__type__": "update"}] * 3
