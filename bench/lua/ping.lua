-- POST to a baseline's one-INSERT endpoint.
package.path = package.path .. ";" .. debug.getinfo(1, "S").source:sub(2):match("(.*/)") .. "?.lua"
require "common"

function request()
  return wrk.format("POST", "/ping", { ["Content-Type"] = "application/json" }, "{}")
end
