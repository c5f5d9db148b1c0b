# The front door: `make book` builds the site, `make test` runs every test.
# Both set up the virtual environment (.venv) from requirements.txt on first use.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# `make book REPORT=path/to/report.yaml LANG=en OUT=somewhere`: one or more reports (the
# first is the book's subject; more add a comparison page), one or both languages.
REPORT ?=
OUT    ?= _build/html
# LANG is also the locale variable every shell exports: only a LANG given on make's command
# line chooses the edition; otherwise every language with a catalogue is built (zh and en).
ifeq ($(origin LANG),command line)
EDITIONS := $(LANG)
else
EDITIONS :=
endif
# A variable no target reads (a typo such as LNG=en) would be ignored in silence: refused.
KNOWN := REPORT OUT LANG PAGE ARTICLE SOLUTIONS ADDRESS PORT PYTHON
GIVEN := $(foreach v,$(.VARIABLES),$(if $(filter command line,$(origin $(v))),$(v)))
ifneq ($(filter-out $(KNOWN),$(GIVEN)),)
$(error unknown variable $(firstword $(filter-out $(KNOWN),$(GIVEN))): expected one of $(KNOWN))
endif
# ...and the commands below run with a real locale, whatever LANG was given.
override LANG := C.UTF-8
export LANG

.PHONY: comments notebooks book atlas run lab serve test test-long test-quick test-page validate goldens handouts benchmark draft draft-eval venv system-packages requirements clean

$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	# requirements.txt is complete (a freeze): installed as it is, nothing resolved beyond it. So
	# rfc3987-syntax, which JupyterLab's event schemas ask jsonschema for, stays out: it builds a
	# parser whenever jsonschema is imported, 1.4 s in every kernel and command.
	$(BIN)/python -m pip install --quiet --no-deps -r requirements.txt
	# The library is built with the venv's own setuptools and wheel (both in the freeze), not
	# in an isolated environment that would fetch them again.
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	# The packages' own bytecode, which pip compiles for every other package: a kernel or
	# command would otherwise compile the library at each start where Python writes none
	# (PYTHONDONTWRITEBYTECODE). A stale file is ignored by Python, never used.
	$(BIN)/python -m compileall -q villagereport villagebook
	touch $(STAMP)

venv: $(STAMP)

# Each page is edited as text, book/NN_name.md (a MyST Markdown notebook); this writes the
# book/NN_name.ipynb that papermill, nbval and Jupyter Book read. `make test` checks they agree.
notebooks: _build/notebooks.stamp

# Written again only when a text source has changed since (make compares the files' times).
NOTEBOOK_TEXTS := $(wildcard book/[0-9][0-9]_*.md)
_build/notebooks.stamp: $(NOTEBOOK_TEXTS) $(STAMP)
	$(BIN)/python -m villagebook notebooks
	@mkdir -p _build && touch $@

# The notebooks' code comments, in each language with a comment catalogue: after changing a
# comment, `make comments` adds it (untranslated) to villagereport/text/locale/comments/LANG.po
# and names what is left to translate; the copies and the editions show the translations.
comments: notebooks
	$(BIN)/python -m villagebook comments

book: notebooks
	$(BIN)/python -m villagebook build $(strip $(patsubst %,--report %,$(REPORT)) $(patsubst %,--lang %,$(EDITIONS)) --out $(OUT))

# Every report's book (data/reports/ and any REPORT given), the comparison of all, and a front
# page listing every place, in one offline folder: `make atlas` (OUT defaults to _build/atlas).
atlas: notebooks
	$(BIN)/python -m villagebook atlas $(strip $(patsubst %,--report %,$(REPORT)) $(patsubst %,--lang %,$(EDITIONS))) --out $(if $(filter command line,$(origin OUT)),$(OUT),_build/atlas)

# Rerun one notebook for a report and a language: `make run PAGE=01_overview
# REPORT=path/to/report.yaml LANG=en OUT=out.ipynb` (OUT defaults to _build/run/PAGE.ipynb).
run: notebooks
	$(if $(filter command line,$(origin OUT)),,mkdir -p _build/run)
	$(BIN)/python -m villagebook run book/$(PAGE).ipynb $(if $(REPORT),--report $(firstword $(REPORT))) $(if $(EDITIONS),--lang $(firstword $(EDITIONS))) --out $(if $(filter command line,$(origin OUT)),$(OUT),_build/run/$(PAGE).ipynb)

# JupyterLab on the book's notebooks and reports, for this machine only, behind a token it
# prints: `make lab`; for a classroom, `make lab ADDRESS=<this machine's address on the school
# network>` (docs/teaching.md).
lab: notebooks
	$(BIN)/python -m villagebook lab $(if $(ADDRESS),--address $(ADDRESS)) $(if $(PORT),--port $(PORT))

# The built book with JupyterLab beside it, on this machine: each section page runs again in
# place for other parameters ("run this page") and links to its notebook in the lab.
# `make serve` (after `make book`); PORT=8001 for another port.
serve: venv
	$(BIN)/python -m villagebook serve --site $(OUT) $(if $(PORT),--port $(PORT))

# Every test but the long browser sessions, which `make test-long` runs (CI runs both:
# `make test test-long`).
test: venv system-packages
	$(BIN)/python -m pytest -m "not long"

test-long: venv system-packages
	$(BIN)/python -m pytest -m long

# The quick loop while working: everything that needs no site build, browser or kernel, and
# fewer generated reports.
test-quick: venv
	VILLAGEBOOK_EXAMPLES=8 $(BIN)/python -m pytest -q -m "not slow"

# chromium and CJK fonts for the browser tests (installed with apt-get when missing).
system-packages:
	bash .ci/system-packages

# Draft a report file from an article for you to review: `make draft ARTICLE=article.txt
# OUT=draft.yaml` (the article as UTF-8 text or a saved web page; OUT defaults to draft.yaml),
# and its review page beside it (draft.review.html).
draft: venv
	$(BIN)/python -m villagereport draft $(ARTICLE) --out $(if $(filter command line,$(origin OUT)),$(OUT),draft.yaml)

# How well the drafts match hand-made report files: the repository's articles, each as if
# unseen (leave one out), and the held-out sets (data/unseen, data/holdout, data/final-holdout).
draft-eval: venv
	$(BIN)/python -m villagebook.draft_eval

# Re-record the notebooks' expected outputs after a deliberate change; review the diff.
# `make goldens REPORT=my-county.yaml` records that report's own, in tests/goldens/<id>/.
goldens: notebooks
	$(BIN)/python -m villagebook goldens $(if $(REPORT),--report $(firstword $(REPORT)))

# One page's tests, quickly: `make test-page PAGE=01_overview` (its notebook in real kernels,
# its golden through nbval, and the in-process checks of every report's page).
test-page: notebooks
	$(BIN)/python -m pytest -q tests/test_gate.py -k stale
	$(BIN)/python -m pytest -q tests/goldens/$(PAGE).ipynb tests/test_notebooks.py tests/test_shapes.py -k "$(PAGE) or every_page"
	$(BIN)/python -m pytest -q tests/test_claims.py

# PDF handouts of each section page of the built book; SOLUTIONS=yes prints the solutions.
handouts: venv system-packages
	$(BIN)/python -m villagebook handouts --site $(OUT) --out _build/handouts$(if $(filter yes,$(SOLUTIONS)), --solutions)

# Build times against the plain Jupyter Book way, bytes per page, and time to the first chart
# in a browser (prints tables).
benchmark: venv
	$(BIN)/python benchmarks/build_speed.py
	$(MAKE) --no-print-directory book OUT=_build/benchmark-site
	$(BIN)/python benchmarks/page_speed.py _build/benchmark-site

validate: venv
	$(BIN)/python -m villagereport validate $(or $(REPORT),data/reports/*.yaml)

# Re-pin after changing what the book needs; review the diff before committing it.
requirements: venv
	{ grep '^#' requirements.txt; $(BIN)/python -m pip freeze --exclude-editable; \
	  $(BIN)/python -m pip freeze --all | grep -E '^(setuptools|wheel)=='; } > requirements.txt.new
	mv requirements.txt.new requirements.txt

clean:
	rm -rf _build
