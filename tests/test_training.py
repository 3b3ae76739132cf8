"""Domain adaptation: options, corpus cleaning, and the whole chain on a tiny Gemma 3.

The chain (tiny GGUF -> transformers -> tokenizer -> dapt -> sft -> export -> llama.cpp)
runs on a randomly initialised 0.1M-parameter model with its own 512-token vocabulary, so
it takes about a minute on two cores. llama.cpp's converters come from the llama-cpp-python
source distribution (found in /tmp/llsdist or the module's cache, else `pip download`ed).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import REPO, needs_sta

from copilot.commands.train import load_script
from copilot.errors import TrainingError
from copilot.training import options

pytest.importorskip("torch")
pytest.importorskip("transformers")


# -- options and config registration ------------------------------------------------------

def test_options_file_then_flags_and_clear_errors(tmp_path):
    cls = load_script("dapt").Config
    file = tmp_path / "c.yaml"
    file.write_text("learning_rate: 1.0e-4\nblock_size: 128\n")
    config = options.build(cls, file, {"block_size": 64, "epochs": None})
    assert (config.learning_rate, config.block_size, config.epochs) == (1e-4, 64, 1.0)
    with pytest.raises(TrainingError, match="unknown option 'blok_size'"):
        options.build(cls, None, {"blok_size": 3})
    with pytest.raises(TrainingError, match="block_size' must be int"):
        options.build(cls, None, {"block_size": "big"})
    file.write_text("- a list\n")
    with pytest.raises(TrainingError, match="mapping"):
        options.build(cls, file, {})


def test_register_keeps_other_settings_and_comments(tmp_path):
    from copilot.context import AppContext
    from copilot.training.register import set_config_values

    home = tmp_path / "home"
    home.mkdir()
    config = home / "config.toml"
    config.write_text('# my settings\nthreads = 2\nlora = "old.gguf"\n')
    set_config_values(config, {"lora": str(tmp_path / "new adapter.gguf"), "model": ""})
    text = config.read_text()
    assert text.startswith("# my settings\nthreads = 2\n")
    app = AppContext.build(environ={"COPILOT_HOME": str(home)})
    assert app.settings.lora == str(tmp_path / "new adapter.gguf")
    assert app.settings.threads == 2 and app.sources["lora"].startswith("config")


# -- corpus -----------------------------------------------------------------------------

def test_corpus_decodes_cleans_and_deduplicates(tmp_path, monkeypatch):
    docs = tmp_path / "docs"
    docs.mkdir()
    body = " ".join(f"Sentence {i}: report_checks option {i} changes how path {i} is reported." for i in range(30)) + "\n"
    (docs / "a.txt").write_text(body, encoding="utf-8")
    (docs / "copy.txt").write_text(body, encoding="utf-8")  # exact duplicate
    (docs / "near.txt").write_text(body.replace("path 7 is", "path 7 was", 1), encoding="utf-8")
    (docs / "latin.txt").write_bytes("set_load 0.5 on the port caf\xe9 drives, in picofarads.\n".encode("cp1252") * 2)
    (docs / "wide.tcl").write_text("puts [get_full_name [get_cells u1]]\nreport_net n1\n" * 2, encoding="utf-16")
    (docs / "blob.tcl").write_bytes(b"\x00\x01\x02binary" * 50)
    dev = tmp_path / "dev.jsonl"
    (docs / "leak.tcl").write_text("foreach p [all_inputs] { puts [get_full_name $p] } ;# held-out task\n")
    dev.write_text(json.dumps({"id": "d1", "request": "r", "reference": "foreach p [all_inputs] { puts [get_full_name $p] }"}) + "\n")
    module = load_script("corpus")
    out = tmp_path / "corpus"
    metrics = module.main(options.build(module.Config, None, {
        "inputs": [str(docs)], "out": str(out), "tools": [], "docs_index": False, "dev_tasks": str(dev)}))
    texts = [json.loads(line)["text"] for line in (out / "corpus.jsonl").read_text().splitlines()]
    assert metrics["dropped"]["exact_duplicate"] == 1 and metrics["dropped"]["near_duplicate"] == 1
    assert metrics["dropped"]["dev_overlap"] == 1
    assert any("café" in t for t in texts) and any("get_full_name [get_cells u1]" in t for t in texts)
    assert metrics["binary_files"] == [str(docs / "blob.tcl")]
    assert any("cp1252" in f for f in metrics["reencoded_files"])
    run = json.loads((out / "run.json").read_text())
    assert str(docs / "a.txt") in run["inputs"] and (out / "config.yaml").is_file()


def test_digests_in_provenance_files_are_not_corpus_text():
    from copilot.training.corpus_text import clean

    sha = "12938ead2db1edc3f009dc14a06080d01fb5bd1693060227305f8eac528723c6"
    assert clean(f'"sha256": "{sha}",\nreport_checks\n') == '"sha256": "<digest>",\nreport_checks\n'


def test_empty_corpus_says_what_to_do(tmp_path):
    (tmp_path / "empty.txt").write_text("   \n\n")
    module = load_script("corpus")
    with pytest.raises(TrainingError, match="corpus is empty"):
        module.main(options.build(module.Config, None, {
            "inputs": [str(tmp_path / "empty.txt")], "out": str(tmp_path / "out"), "tools": [],
            "docs_index": False}))


def test_gguf_that_cannot_be_loaded_is_a_clear_error(tmp_path):
    from copilot.training.base_model import hf_from_gguf

    bad = tmp_path / "broken.gguf"
    bad.write_bytes(b"GGUF" + b"\x00" * 64)
    with pytest.raises(TrainingError, match="cannot load or dequantize"):
        hf_from_gguf(bad, tmp_path / "hf", log=lambda s: None)


def test_out_of_memory_gives_advice(tmp_path):
    from types import SimpleNamespace

    from copilot.training.trainer import run

    class Exhausted:
        state = SimpleNamespace(global_step=7)

        def train(self, resume_from_checkpoint=None):
            raise RuntimeError("CUDA out of memory. Tried to allocate 2.00 GiB")

    with pytest.raises(TrainingError, match=r"out of memory at step 7.*--batch-size.*--gradient-checkpointing.*--lora-rank"):
        run(Exhausted(), tmp_path)


# -- the chain on a tiny model ------------------------------------------------------------

@pytest.fixture(scope="module")
def train_home(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("train-home")


@pytest.fixture
def in_train_home(train_home, monkeypatch) -> Path:
    """Chain tests share one COPILOT_HOME so the converters are unpacked once."""
    monkeypatch.setenv("COPILOT_HOME", str(train_home))
    return train_home


def run_step(step: str, **values):
    module = load_script(step)
    return module.main(options.build(module.Config, None, values))


@pytest.fixture(scope="module")
def chain(train_home, tmp_path_factory):
    """tiny GGUF -> corpus -> tokenizer -> dapt (interrupted, then resumed) -> sft; paths by step."""
    mp = pytest.MonkeyPatch()
    mp.setenv("COPILOT_HOME", str(train_home))
    root = tmp_path_factory.mktemp("chain")
    try:
        import importlib.util

        spec = importlib.util.spec_from_file_location("make_tiny_model", REPO / "tools" / "make_tiny_model.py")
        tiny = importlib.util.module_from_spec(spec)
        import sys

        sys.modules["make_tiny_model"] = tiny
        spec.loader.exec_module(tiny)
        gguf = tiny.main(options.build(tiny.Config, None, {
            "text": [str(REPO / "README.md")],  # general text: domain identifiers stay split
            "out": str(root / "tiny.gguf")}))
        bank = root / "bank.jsonl"
        scripts = [("report the worst hold path", "report_checks -path_delay min"),
                   ("report the worst setup path", "report_checks -path_delay max"),
                   ("list the ports", "foreach p [get_ports *] { puts [get_full_name $p] }"),
                   ("count the cells", "puts [llength [get_cells *]]"),
                   ("show the clocks", "report_clock_properties"),
                   ("worst slack", "puts [format %.3f [sta::worst_slack -max]]"),
                   ("five worst endpoints", "report_checks -group_count 5 -format end"),
                   ("fanout of net n1", "report_net n1"),
                   ("hold paths through u1", "report_checks -path_delay min -through [get_pins u1/A]"),
                   ("unconstrained paths", "report_checks -unconstrained")]
        bank.write_text("".join(json.dumps({"id": f"t{i}", "request": r, "script": s, "tags": []}) + "\n"
                                for i, (r, s) in enumerate(scripts * 2)))
        corpus = run_step("corpus", inputs=[str(REPO / "adapters" / "opensta")], out=str(root / "corpus"),
                          tools=["opensta"], docs_index=False, catalogs=True)
        tok = run_step("tokenizer", base=str(gguf), corpus=corpus["output"], out=str(root / "tok"),
                       max_new=40, min_count=3)
        dapt = root / "dapt"
        first = run_step("dapt", base=tok["output"], corpus=corpus["output"], out=str(dapt),
                         block_size=64, max_steps=4, save_steps=2, grad_accum=1, learning_rate=1e-3)
        resumed = run_step("dapt", base=tok["output"], corpus=corpus["output"], out=str(dapt),
                           block_size=64, max_steps=6, save_steps=2, grad_accum=1, learning_rate=1e-3)
        sft = run_step("sft", base=resumed["output"], examples=str(bank), setup="", out=str(root / "sft"),
                       lora_rank=0, learning_rate=1e-3, max_steps=4, grad_accum=2, explain=False,
                       dev_tasks="", max_length=512)
        lora = run_step("sft", base=resumed["output"], examples=str(bank), setup="", out=str(root / "lora"),
                        lora_rank=4, max_steps=2, grad_accum=2, explain=False, dev_tasks="", max_length=512)
        yield {"gguf": gguf, "tok": tok, "dapt_first": first, "dapt": resumed, "sft": sft, "lora": lora,
               "root": root, "bank": bank}
    finally:
        mp.undo()


def test_tokenizer_adds_whole_identifiers_and_reports_reduction(chain):
    tok = chain["tok"]
    added = (Path(tok["output"]).parent / "added_tokens.txt").read_text().split()
    assert 0 < len(added) <= 40
    corpus = "\n".join(json.loads(line)["text"] for line in (chain["root"] / "corpus" / "corpus.jsonl").read_text().splitlines())
    for token in added:  # whole identifiers seen as words, never pieces with a leading space
        assert re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", token), token
        assert re.search(rf"(?<![A-Za-z0-9_]){re.escape(token)}(?![A-Za-z0-9_])", corpus), token
    assert tok["domain_heldout"]["tokens_after"] < tok["domain_heldout"]["tokens_before"]
    lineage = json.loads((Path(tok["output"]) / "lineage.json").read_text())
    assert lineage["added_tokens"] == added and lineage["base_gguf"] == str(chain["gguf"])


def test_dapt_resumes_from_its_checkpoint(chain):
    assert chain["dapt_first"]["optimizer_steps"] == 4
    assert chain["dapt"]["optimizer_steps"] == 6
    run = json.loads((chain["root"] / "dapt" / "run.json").read_text())
    assert run["runs"] == 2
    steps = [json.loads(line).get("step") for line in (chain["root"] / "dapt" / "log.jsonl").read_text().splitlines()]
    assert 5 in steps and 6 in steps and steps.count(1) == 1  # the second run started at step 5
    assert chain["dapt"]["held_out_loss_after"] < chain["dapt_first"]["held_out_loss_before"]


def test_sft_trains_on_answers_in_the_generation_prompt(chain):
    pairs = [json.loads(line) for line in (chain["root"] / "sft" / "pairs.jsonl").read_text().splitlines()]
    first = pairs[0]
    assert first["prompt"].rstrip().endswith("# Request: " + next(
        json.loads(line)["request"] for line in chain["bank"].read_text().splitlines()
        if json.loads(line)["id"] == first["id"]))
    assert first["answer"].endswith("\n# End")
    assert f"# Request: " in first["prompt"] and first["id"] not in first["prompt"]
    run = json.loads((chain["root"] / "sft" / "run.json").read_text())
    assert run["metrics"]["template"]["name"] == "script_fewshot.j2"
    assert run["metrics"]["answer_tokens"] < run["metrics"]["train_tokens"] / 2


def test_full_export_matches_transformers_in_llama_cpp(chain, in_train_home):
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from copilot.training.gguf_files import llama_tokens

    model_dir = Path(chain["sft"]["output"])
    result = run_step("export", model=str(model_dir), out=str(chain["root"] / "full.gguf"), quantize="Q8_0",
                      outtype="f32", check_texts=str(chain["bank"]))
    gguf = chain["root"] / "full.gguf"
    assert result["tokenization"]["mismatched"] == 0 and result["tokenization"]["texts"] > 10
    # Added domain tokens survive: llama.cpp splits text the same way as the training tokenizer.
    tokenizer = AutoTokenizer.from_pretrained(str(model_dir))
    text = "report_checks -path_delay min\nforeach p [get_ports *] { puts [get_full_name $p] }\n"
    assert llama_tokens(gguf, [text])[0] == tokenizer(text, add_special_tokens=False)["input_ids"]
    # The same logits at every position of a greedy continuation (F32 export of the same
    # weights). Comparing the greedy texts instead is flaky: a tiny, barely trained model has
    # near-ties that float rounding breaks either way.
    import llama_cpp
    import numpy as np

    from copilot.model.llama import LlamaModel, quiet_stderr

    prompt = "# Request: report the worst hold path\n"
    ours = LlamaModel(gguf, gpu_layers="0", threads=1, context=256).complete(prompt, max_tokens=12)
    assert isinstance(ours.text, str)  # the copilot's own loader serves the export
    model = AutoModelForCausalLM.from_pretrained(str(model_dir))
    ids = tokenizer(prompt, return_tensors="pt")["input_ids"]
    with torch.no_grad():
        out = model.generate(ids, max_new_tokens=12, do_sample=False)
        expected = model(out).logits[0].numpy()
    with quiet_stderr():
        llm = llama_cpp.Llama(model_path=str(gguf), logits_all=True, n_ctx=256, n_threads=1, verbose=False)
    try:
        llm.eval(out[0].tolist())
        got = np.array(llm.scores[:out.shape[1]])
    finally:
        llm.close()
    assert np.abs(got - expected).max() < 1e-3 * max(1.0, float(np.abs(expected).max()))
    assert Path(result["quantized"][0]).is_file()
    provenance = json.loads(gguf.with_suffix(".json").read_text())
    assert provenance["training"]["step"] == "sft" and provenance["lineage"]["added_tokens"]


def test_lora_export_loads_and_registers(chain, in_train_home):
    from copilot.context import AppContext

    adapter = Path(chain["lora"]["output"])
    result = run_step("export", model=str(adapter), out=str(chain["root"] / "lora.gguf"), register=True)
    assert result["kind"] == "lora" and result["smoke"]["load_seconds"] >= 0
    app = AppContext.build()
    assert app.settings.lora == str((chain["root"] / "lora.gguf").resolve())
    assert Path(app.settings.model).name == "tiny.gguf"
    assert (chain["root"] / "lora.json").is_file()


@needs_sta
def test_eval_compares_base_and_adapter_in_one_run(chain, in_train_home, tmp_path):
    """`copilot eval --compare-lora`: real llama.cpp (the tiny model with and without its
    exported LoRA adapter) and real sta judging, every system twice, gains and losses listed."""
    from click.testing import CliRunner

    from copilot.cli import cli

    adapter = chain["root"] / "compare-lora.gguf"
    run_step("export", model=str(chain["lora"]["output"]), out=str(adapter))
    tasks = tmp_path / "tasks.jsonl"
    tasks.write_text(json.dumps({"id": "t-1", "level": "easy", "request": "report the worst hold path",
                                 "reference": "report_checks -path_delay min"}) + "\n")
    result = CliRunner().invoke(cli, ["eval", str(tasks), "--no-speed", "--json", "--model", str(chain["gguf"]),
                                      "--compare-lora", str(adapter), "--threads", "1"],
                                catch_exceptions=False, standalone_mode=False)
    report = json.loads(result.stdout)
    names = [s["name"] for s in report["systems"]]
    assert names == ["copilot", "model's first script", "baseline (plain few-shot)",
                     "copilot + compare-lora.gguf", "model's first script + compare-lora.gguf",
                     "baseline (plain few-shot) + compare-lora.gguf"]
    assert report["compare_lora"]["adapter"] == str(adapter)
    assert set(report["compare_lora"]["copilot"]) == {"gained", "lost"}


def test_export_refuses_a_folder_that_is_not_a_model(tmp_path):
    with pytest.raises(TrainingError, match="neither a LoRA adapter folder"):
        run_step("export", model=str(tmp_path))


def test_train_help_lists_steps_without_heavy_imports():
    import subprocess
    import sys

    code = ("import sys\nfrom click.testing import CliRunner\nfrom copilot.cli import cli\n"
            "r = CliRunner().invoke(cli, ['train', 'sft', '--help'])\nprint(r.exit_code)\n"
            "print([m for m in ('torch', 'transformers', 'peft') if m in sys.modules])\nprint(r.output)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    code_line, heavy, *help_text = out.stdout.splitlines()
    assert code_line == "0" and heavy == "[]"
    assert "--lora-rank" in "\n".join(help_text) and "--config" in "\n".join(help_text)
