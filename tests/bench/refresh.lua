-- Chains refreshes: each thread holds one connection and one login, and sends the refresh token the
-- previous answer gave it (a refresh token works once). Tokens arrive as script arguments, one per thread.
local next_thread = 0

function setup(thread)
    next_thread = next_thread + 1
    thread:set("index", next_thread)
end

function init(args)
    token = args[index]
end

function request()
    return wrk.format("POST", "/auth/token/refresh/", {["Content-Type"] = "application/json"},
        '{"refresh": "' .. token .. '"}')
end

function response(status, headers, body)
    local refreshed = string.match(body, '"refresh":%s*"([^"]+)"')
    if refreshed then
        token = refreshed
    end
end
