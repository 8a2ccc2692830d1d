# The README's two commands: `make run` and `make test`.
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PYTHON ?= python3

.PHONY: run test bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

node_modules/.bin/prism: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --loglevel=error; \
	else echo "npm not found: the Prism (mock Twilio) tests will be skipped"; fi

# Demo mode: the local outbox, the simulator and a development key (never for real data).
run: export EKLINIK_DEMO = 1
run: $(STAMP)
	@mkdir -p instance
	$(BIN)/eklinik db upgrade
	$(BIN)/eklinik seed-demo
	@echo ""
	@echo "  DEMO MODE (EKLINIK_DEMO=1): E-Klinik Koperasi is starting with SQLite in instance/,"
	@echo "  no Twilio account needed. Never use demo mode with real cooperatives' data."
	@echo "  Chat as any WhatsApp number:  http://127.0.0.1:5000/simulator"
	@echo "  The demo administrator is +6281100000001: open it in the simulator to see its notices."
	@echo "  Admin console:                http://127.0.0.1:5000/admin  (admin@eklinik.local / demo-admin-2026)"
	@echo "  Terminal chat instead:        $(BIN)/eklinik chat --phone 081234567890"
	@echo "  Stop with Ctrl-C."
	@echo ""
	@$(BIN)/eklinik scheduler run & scheduler=$$!; \
	$(BIN)/gunicorn --workers 2 --threads 4 --bind 127.0.0.1:5000 --access-logfile - \
	  --logger-class bot.access_log.AccessLog wsgi:app & \
	web=$$!; \
	trap 'kill -TERM $$scheduler $$web 2>/dev/null; wait $$scheduler $$web; exit 0' INT TERM; \
	wait $$web; kill -TERM $$scheduler 2>/dev/null; wait $$scheduler

test: $(STAMP) node_modules/.bin/prism
	$(BIN)/ruff check bot flows storage tests bench wsgi.py
	$(BIN)/pytest -q

bench: $(STAMP)
	$(BIN)/python -m bench.dates
	$(BIN)/python -m bench.replies
	$(BIN)/python -m bench.fuzzy
	$(BIN)/python -m bench.webhook
	$(BIN)/python -m bench.scale
	$(BIN)/python -m bench.dispatch
	$(BIN)/python -m bench.startup
	$(BIN)/python -m bench.report

clean:
	rm -rf $(VENV) node_modules .pytest_cache .ruff_cache .hypothesis
