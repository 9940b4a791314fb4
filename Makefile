# Shanghai online new economy (在线新经济), 13 April 2020: a reproducible reading.
# Every target builds or refreshes the local virtual environment (.venv) from the
# lock file on its own, so `make report` and `make test` work on a fresh clone.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
export PYTHONHASHSEED := 0
export MPLCONFIGDIR := $(CURDIR)/.cache/matplotlib

.DEFAULT_GOAL := help
.PHONY: help env env-offline wheelhouse report test lint lab notebooks student quiz benchmark lock clean

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  make %-10s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(STAMP): requirements/lock.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "error: Python 3.11 or newer is needed (PYTHON=$(PYTHON))")'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@echo "Installing the locked environment into $(VENV) ..."
	@$(PY) -m pip install --quiet --disable-pip-version-check -r requirements/lock.txt
	@$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@$(PY) -m online_economy.lab --prepare-only >/dev/null
	@touch $(STAMP)

env: $(STAMP) ## Create or refresh .venv from requirements/lock.txt

report: $(STAMP) ## Rerun every notebook from data/raw; write data/processed, reports/figures, reports/html
	@$(PY) -m online_economy.report

# pytest-randomly (pinned in the lock) runs the tests in a new random order each time and
# prints the seed; `make test SEED=N` repeats an order. conftest.py keeps notebook cells in order.
SEED ?=
test: $(STAMP) ## Run the whole test suite in random order: lint, unit tests, nbval over all notebooks
	@$(PY) -m ruff check src tests benchmarks tools conftest.py
	@$(PY) -m pytest -n 2 --dist loadfile -p randomly $(if $(SEED),--randomly-seed=$(SEED)) \
	  tests notebooks --nbval --nbval-current-env -p no:cacheprovider

lint: $(STAMP) ## ruff over the code
	@$(PY) -m ruff check src tests benchmarks tools conftest.py

quiz: $(STAMP) ## Check the quiz answer keys (data/reference/quiz): well formed, model answers right
	@$(PY) -m pytest -q -p no:randomly -p no:cacheprovider tests/test_quiz.py

NB ?= notebooks
lab: $(STAMP) ## Open JupyterLab: project kernel, bundled CJK font, no prompts (NB=students for the student copy)
	@$(PY) -m online_economy.lab $(NB)

notebooks: $(STAMP) ## Maintainers: re-execute the committed notebooks and solutions in place (refresh stored outputs)
	@$(PY) -m online_economy.report --in-place
	@$(PY) -m online_economy.report --in-place --notebooks notebooks/solutions --html .cache/solutions-html

FORCE ?=
student: $(STAMP) ## Write a student copy of the notebooks to students/ (FORCE=1 overwrites a student's changes)
	@$(PY) -m online_economy.teaching students $(if $(FORCE),--force)

benchmark: $(STAMP) ## Print speed figures: pipeline vs bare jieba, report vs floor, test suite
	@$(PY) benchmarks/bench_pipeline.py
	@$(PY) benchmarks/bench_report.py

wheelhouse: ## Teachers: build wheels of every locked package into wheelhouse/ (needs internet once)
	$(PYTHON) -m pip wheel --disable-pip-version-check -r requirements/lock.txt -w wheelhouse
	$(PYTHON) -m pip download --disable-pip-version-check "setuptools>=69" -d wheelhouse

env-offline: ## Teachers: create .venv from wheelhouse/ with no network
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --no-index --find-links wheelhouse -r requirements/lock.txt
	@$(PY) -m pip install --quiet --no-index --find-links wheelhouse --no-deps -e .
	@$(PY) -m online_economy.lab --prepare-only >/dev/null
	@touch $(STAMP)

UV ?= $(shell command -v uv 2>/dev/null || echo $(VENV)/bin/uv)
lock: ## Maintainers: re-resolve requirements/lock.txt (every extra) and environment.yml (needs uv)
	@test -x "$(UV)" || { echo "error: uv is needed: $(PY) -m pip install uv"; exit 2; }
	$(UV) pip compile pyproject.toml --all-extras --python-version 3.11 --universal \
	  -c requirements/constraints.txt -o requirements/lock.txt
	$(PYTHON) tools/write_environment_yml.py

clean: ## Remove the environment, caches and generated reports
	rm -rf $(VENV) wheelhouse .cache .pytest_cache .ruff_cache reports/html students
