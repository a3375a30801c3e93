# shellcheck shell=bash
# Sourced by the scripts that start a stack for the black-box suite. The suite registers and logs in dozens
# of accounts and sends hundreds of attack requests from one address within seconds, so the per-address
# limits are raised for its stack; their defaults are covered by the services' tests and by
# test_gateway_config.py.
export LOGIN_RATE_PER_ADDRESS="${LOGIN_RATE_PER_ADDRESS:-10000/min}"
export REGISTER_RATE_PER_ADDRESS="${REGISTER_RATE_PER_ADDRESS:-10000/hour}"
export PASSWORD_RESET_RATE_PER_ADDRESS="${PASSWORD_RESET_RATE_PER_ADDRESS:-1000/hour}"
export GATEWAY_AUTH_RATE="${GATEWAY_AUTH_RATE:-200r/s}"
export GATEWAY_AUTH_BURST="${GATEWAY_AUTH_BURST:-200}"
export GATEWAY_API_RATE="${GATEWAY_API_RATE:-1000r/s}"
export GATEWAY_API_BURST="${GATEWAY_API_BURST:-1000}"
export GATEWAY_ADMIN_RATE="${GATEWAY_ADMIN_RATE:-100r/s}"
export GATEWAY_ADMIN_BURST="${GATEWAY_ADMIN_BURST:-100}"
