-- GET a rotating list of paths with one header (a bearer token or a session cookie).
-- wrk ... -s get.lua URL -- HEADER VALUE PATH1,PATH2,...
package.path = package.path .. ";" .. debug.getinfo(1, "S").source:sub(2):match("(.*/)") .. "?.lua"
require "common"

local header, value
local paths = {}
local counter = 0

function init(args)
  header = args[1]
  value = args[2]
  for p in string.gmatch(args[3], "[^,]+") do
    table.insert(paths, p)
  end
end

function request()
  counter = counter + 1
  local p = paths[(counter + tid) % #paths + 1]
  return wrk.format("GET", p, { [header] = value, ["Accept-Language"] = "da" })
end
