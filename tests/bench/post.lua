-- POSTs the JSON body given as the first script argument.
function init(args)
    body = args[1]
end

function request()
    return wrk.format("POST", nil, {["Content-Type"] = "application/json"}, body)
end
