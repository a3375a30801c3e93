# Run, test and operate the project. `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# The native stack's settings; each may be given in the environment instead.
DEV_DIR ?= $(CURDIR)/.dev
GATEWAY_PORT ?= 8080
AUTH_PORT ?= 8001
RESOURCE_PORT ?= 8002
AUTH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/auth
RESOURCE_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/resource
REDIS_URL ?= redis://127.0.0.1:6379/0
JWT_PRIVATE_KEY_FILE ?= $(DEV_DIR)/keys/jwt-private.pem
JWT_PUBLIC_KEY_FILE ?= $(DEV_DIR)/keys/jwt-public.pem
AUTH_SECRET_KEY_FILE ?= $(DEV_DIR)/keys/auth-secret-key
RESOURCE_SECRET_KEY_FILE ?= $(DEV_DIR)/keys/resource-secret-key
AUTH_MFA_KEYS_FILE ?= $(DEV_DIR)/keys/auth-mfa-keys
RESOURCE_MFA_KEYS_FILE ?= $(DEV_DIR)/keys/resource-mfa-keys
DJANGO_SECURE_COOKIES ?= false
EMAIL_BACKEND ?= django.core.mail.backends.filebased.EmailBackend
EMAIL_FILE_PATH ?= $(DEV_DIR)/sent-mail
# A development stack: an unverified address logs in (its tokens say email_verified: false). Production: mandatory.
EMAIL_VERIFICATION ?= optional
export DEV_DIR GATEWAY_PORT AUTH_PORT RESOURCE_PORT AUTH_DATABASE_URL RESOURCE_DATABASE_URL REDIS_URL \
	JWT_PRIVATE_KEY_FILE JWT_PUBLIC_KEY_FILE AUTH_SECRET_KEY_FILE RESOURCE_SECRET_KEY_FILE AUTH_MFA_KEYS_FILE \
	RESOURCE_MFA_KEYS_FILE DJANGO_SECURE_COOKIES \
	EMAIL_BACKEND EMAIL_FILE_PATH EMAIL_VERIFICATION

SERVICES := auth_service resource_service

# What each service's processes of the native stack see besides the settings above, written in this one place:
# `dev-env` puts it in $(DEV_DIR)/auth.env and resource.env, which the Procfile, the commands below and
# tests/run_native.py source.
define AUTH_ENV
export DATABASE_URL='$(AUTH_DATABASE_URL)'
export DJANGO_SECRET_KEY_FILE='$(AUTH_SECRET_KEY_FILE)'
export MFA_ENCRYPTION_KEYS_FILE='$(AUTH_MFA_KEYS_FILE)'
export DJANGO_STATIC_ROOT='$(DEV_DIR)/static/auth'
export GUNICORN_BIND='127.0.0.1:$(AUTH_PORT)'
endef
define RESOURCE_ENV
# The resource service verifies tokens with the public key only: no setting of the private key reaches it.
unset JWT_PRIVATE_KEY JWT_PRIVATE_KEY_FILE
export DATABASE_URL='$(RESOURCE_DATABASE_URL)'
export DJANGO_SECRET_KEY_FILE='$(RESOURCE_SECRET_KEY_FILE)'
export MFA_ENCRYPTION_KEYS_FILE='$(RESOURCE_MFA_KEYS_FILE)'
export DJANGO_STATIC_ROOT='$(DEV_DIR)/static/resource'
export MEDIA_ROOT='$(DEV_DIR)/media'
export GUNICORN_BIND='127.0.0.1:$(RESOURCE_PORT)'
endef
export AUTH_ENV RESOURCE_ENV
AUTH_MANAGE := . "$(DEV_DIR)/auth.env" && cd auth_service && .venv/bin/python manage.py
RESOURCE_MANAGE := . "$(DEV_DIR)/resource.env" && cd resource_service && .venv/bin/python manage.py

.PHONY: help install prepare run dev lint-gateway dev-env dev-prepare dev-serve keys lint format test test-auth test-resource test-native test-faults test-infra infra-plan test-compose test-prod fuzz bench profile mutate clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-14s %s\n", $$1, $$2}'

install: ## Create the virtual environments from the lock files (needs uv)
	uv venv -q --allow-existing --python python3.11 .venv && VIRTUAL_ENV=.venv uv pip sync -q requirements-dev.lock
	for service in $(SERVICES); do \
		(cd $$service && uv venv -q --allow-existing --python python3.11 .venv \
			&& VIRTUAL_ENV=.venv uv pip sync -q requirements-dev.lock) || exit 1; \
	done

run: ## Run the whole stack in Docker: docker compose up --build
	docker compose up --build

dev: dev-prepare dev-serve ## Run the whole stack natively (PostgreSQL, Redis and nginx installed); Ctrl-C stops it

# The processes of the Procfile named in DEV_PROCESSES (all when empty), without preparing anything.
DEV_PROCESSES ?=
dev-serve: dev-env
	exec .venv/bin/honcho --env /dev/null start $(DEV_PROCESSES)

dev-env:
	@mkdir -p "$(DEV_DIR)"
	@printf '%s\n' "$$AUTH_ENV" >"$(DEV_DIR)/auth.env"
	@printf '%s\n' "$$RESOURCE_ENV" >"$(DEV_DIR)/resource.env"

dev-prepare: dev-env keys
	@for url in "$(AUTH_DATABASE_URL)" "$(RESOURCE_DATABASE_URL)"; do \
		db="$${url##*/}"; db="$${db%%\?*}"; server="$${url%/*}/postgres"; \
		psql -X -q "$$server" -tAc "SELECT 1 FROM pg_database WHERE datname = '$$db'" | grep -q 1 \
			|| psql -X -q "$$server" -c "CREATE DATABASE \"$$db\"" || exit 1; \
	done
	$(AUTH_MANAGE) migrate --noinput -v 0
	$(RESOURCE_MANAGE) migrate --noinput -v 0
	$(AUTH_MANAGE) collectstatic --noinput -v 0
	$(RESOURCE_MANAGE) collectstatic --noinput -v 0

keys: dev-env ## Generate the development secret keys and key pair, unless they exist
	@for file in "$(AUTH_SECRET_KEY_FILE)" "$(RESOURCE_SECRET_KEY_FILE)" "$(AUTH_MFA_KEYS_FILE)" \
		"$(RESOURCE_MFA_KEYS_FILE)"; do \
		[ -s "$$file" ] || (mkdir -p "$$(dirname "$$file")" && umask 077 \
			&& python3 -c 'import secrets; print(secrets.token_urlsafe(50))' >"$$file"); \
	done
	@# The auth service's settings with its secret key, but not yet the private key that this makes.
	@if [ ! -e "$(JWT_PRIVATE_KEY_FILE)" ]; then \
		. "$(DEV_DIR)/auth.env" && cd auth_service && env -u JWT_PRIVATE_KEY_FILE .venv/bin/python manage.py \
			generate_jwt_key --private "$(JWT_PRIVATE_KEY_FILE)" --public "$(JWT_PUBLIC_KEY_FILE)"; \
	elif [ ! -e "$(JWT_PUBLIC_KEY_FILE)" ]; then \
		mkdir -p "$$(dirname "$(JWT_PUBLIC_KEY_FILE)")"; \
		openssl pkey -in "$(JWT_PRIVATE_KEY_FILE)" -pubout -out "$(JWT_PUBLIC_KEY_FILE)"; \
	fi

SHELL_SCRIPTS = $(shell find . -name '*.sh' -not -path '*/.venv/*' -not -path '*/node_modules/*' -not -path './.dev/*') .ci/run

lint: lint-gateway ## Check the code (ruff, mypy, the apps' import direction), the parallel files, the gateway, the workflows and the shell scripts
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	cd auth_service && .venv/bin/mypy auth_service && .venv/bin/lint-imports --no-cache
	cd resource_service && .venv/bin/mypy resource_service && .venv/bin/lint-imports --no-cache
	.venv/bin/python .ci/check-parallel-files.py
	.venv/bin/check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/*.yml
	.venv/bin/check-jsonschema --builtin-schema vendor.github-actions .github/actions/*/action.yml
	.venv/bin/check-jsonschema --builtin-schema vendor.compose-spec docker-compose.yml
	.venv/bin/python .ci/check-workflow-scripts.py
	.venv/bin/shellcheck --external-sources $(SHELL_SCRIPTS)

lint-gateway: ## Check the rendered gateway configuration with nginx -t and gixy
	GATEWAY_PREFIX="$(DEV_DIR)/gateway-lint" GATEWAY_RENDER_ONLY=1 gateway/run.sh
	@# host_spoofing: the gateway passes the client's Host with its port ($$http_host) so that the services'
	@# absolute links work; the services check it against DJANGO_ALLOWED_HOSTS (a foreign Host is a 400).
	.venv/bin/gixy --skips host_spoofing "$(DEV_DIR)/gateway-lint/nginx.conf"

format: ## Reformat the code with ruff
	.venv/bin/ruff check --fix .
	.venv/bin/ruff format .

prepare: ## Install what make test needs (Debian packages when root, uv, the virtual environments), or name what is missing
	tests/prepare.sh

test: prepare lint test-auth test-resource test-infra test-native test-faults ## Everything but the compose stack, set-up included

test-auth: ## The auth service's tests (PostgreSQL and Redis on 127.0.0.1)
	cd auth_service && .venv/bin/pytest --cov=auth_service

test-resource: ## The resource service's tests (PostgreSQL and Redis on 127.0.0.1)
	cd resource_service && .venv/bin/pytest --cov=resource_service

test-native: ## The black-box suite against the native stack, started and stopped for the run
	.venv/bin/python tests/run_native.py

test-infra: ## Check the infrastructure code: cfn-lint (informational checks too), checkov, template tests, promtool
	promtool check config infra/prometheus/prometheus.yml
	promtool test rules infra/prometheus/alerts.test.yml
	.venv/bin/cfn-lint --include-checks I -- infra/templates/*.yaml
	.venv/bin/checkov --directory infra/templates --framework cloudformation --skip-download --compact --quiet
	.venv/bin/pytest infra/tests

ENV ?= staging
REGION ?= eu-west-1
infra-plan: test-infra ## Validate the templates and print the commands infra/deploy.sh would run for ENV (in REGION)
	@infra/deploy.sh --plan "$(ENV)" "$(REGION)"

fuzz: ## Long runs: both services' property tests, and schemathesis on the native stack (FUZZ_MAX_EXAMPLES, FUZZ_MAX_TIME)
	cd auth_service && HYPOTHESIS_PROFILE=long .venv/bin/pytest -q -m hypothesis
	cd resource_service && HYPOTHESIS_PROFILE=long .venv/bin/pytest -q -m hypothesis
	FUZZ_MAX_EXAMPLES="$${FUZZ_MAX_EXAMPLES:-500}" FUZZ_MAX_TIME="$${FUZZ_MAX_TIME:-600}" .venv/bin/python tests/run_native.py -k fuzz

# The faults' and the benchmark's stacks have ports of their own (tests/harness.py), which the native stack's
# defaults exported above would override.
NATIVE_PORTS_UNSET := env -u GATEWAY_PORT -u AUTH_PORT -u RESOURCE_PORT

bench: ## Load through gateways, as ratios to stock Django and naive DRF baselines (needs wrk); writes docs/benchmarks.md
	$(NATIVE_PORTS_UNSET) .venv/bin/python tests/bench/run.py

profile: ## The resource service's list requests in process: CPU per request, pyinstrument trees in tests/artifacts/
	cd resource_service && .venv/bin/python tests/profile.py

# Test databases and a Redis database of the mutation run's own, so that it may go on beside make test.
MUTATE_REDIS_URL ?= redis://127.0.0.1:6379/14
mutate: ## Mutation testing (mutmut) of the rules that matter most; scores and survivors in docs/mutation.md
	cd auth_service && DATABASE_URL=postgres://postgres@127.0.0.1:5432/mutate_auth TEST_REDIS_URL=$(MUTATE_REDIS_URL) \
		.venv/bin/mutmut run --max-children 1
	cd resource_service && DATABASE_URL=postgres://postgres@127.0.0.1:5432/mutate_resource \
		TEST_REDIS_URL=$(MUTATE_REDIS_URL) .venv/bin/mutmut run --max-children 1
	.venv/bin/python .ci/mutation-score.py

test-faults: ## Fault drills (PostgreSQL, Redis, auth down; SIGTERM under load or mid-export; worker killed), own stack
	$(NATIVE_PORTS_UNSET) .venv/bin/python tests/faults/run.py

test-compose: ## The black-box suite against the docker compose stack, built, started and removed for the run
	.venv/bin/python tests/run_compose.py

test-prod: ## The production images run as ECS runs them (TLS, pooler, secrets, rotation drill), for the run
	tests/prod/run.sh

clean: ## Remove the native stack's keys, static files and state
	rm -rf "$(DEV_DIR)"
