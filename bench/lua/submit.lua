-- POST /api/v1/cases for a new employee each time (bench.generate's fresh employees).
-- wrk ... -s submit.lua URL -- OFFSET TOKEN FIRST_ABSENCE_DAY THREADS
package.path = package.path .. ";" .. debug.getinfo(1, "S").source:sub(2):match("(.*/)") .. "?.lua"
require "common"

local offset, token, d0, thread_count
local counter = 0

function init(args)
  offset = tonumber(args[1])
  token = args[2]
  d0 = args[3]
  thread_count = tonumber(args[4])
end

-- The same numbers as bench.generate.fresh_cpr.
local function fresh_cpr(i)
  local day = i % 28 + 1
  local month = math.floor(i / 28) % 12 + 1
  local year = math.floor(i / 336) % 6
  local serial = math.floor(i / 2016) % 10000
  return string.format("%02d%02d%02d%04d", day, month, year, serial)
end

function request()
  local i = offset + counter * thread_count + tid
  counter = counter + 1
  local body = '{"employee_cpr": "' .. fresh_cpr(i) .. '", "first_absence_day": "' .. d0 ..
    '", "expects_over_8_weeks": true, "answers": {"affected_functions": "Løft", ' ..
    '"affected_duration": "To uger", "adjustments_tried": "Kortere vagter"}}'
  return wrk.format("POST", "/api/v1/cases", {
    ["Authorization"] = "Bearer " .. token,
    ["Content-Type"] = "application/json",
    ["Idempotency-Key"] = "bench-" .. i,
  }, body)
end
