-- wrk's cross-check of the reserve path (benchmarks/scripts/http-benchmark.sh runs it):
--   wrk -t1 -c64 -d10s --latency -s benchmarks/scripts/reserve.lua http://127.0.0.1:8080
-- Every request is POST /v1/checkouts of one unit for a customer drawn at random from a file of
-- signed customer tokens (flashsale token --customers 1..N --out FILE; the token names the
-- customer, so the body's customerId is read from it), with an Idempotency-Key unique per request.
-- No confirms or cancels: holds expire. Answers other than 2xx (a sold-out 409) are in wrk's
-- "Non-2xx or 3xx responses".
--
-- Environment: WRK_API_KEY (storefront key, required), WRK_TOKENS (the token file, required),
-- WRK_SKU_PREFIX (default LOAD-), WRK_SKUS (0 = the hot SKU <prefix>HOT, the default; N = one of
-- <prefix>0..N-1 at random), WRK_HOLD_SECONDS (default 5), WRK_KEY_PREFIX (default wrk; make it
-- unique per run, or a rerun replays the keys of the last one).

local api_key, sku_prefix, skus, hold, key_prefix
local tokens, customers = {}, {}
local counter = 0
local threads = 0

-- Main Lua state, once per thread before its init: numbers the threads (a global in each thread's state).
function setup(thread)
   threads = threads + 1
   thread:set("thread_number", threads)
end

function init(args)
   api_key = assert(os.getenv("WRK_API_KEY"), "WRK_API_KEY is required")
   local file = assert(os.getenv("WRK_TOKENS"), "WRK_TOKENS is required: a file of customer tokens, one a line")
   for line in io.lines(file) do
      local customer = line:match("^(%d+)%.")
      if customer then
         tokens[#tokens + 1] = line
         customers[#customers + 1] = customer
      end
   end
   assert(#tokens > 0, "no customer tokens in " .. file)
   sku_prefix = os.getenv("WRK_SKU_PREFIX") or "LOAD-"
   skus = tonumber(os.getenv("WRK_SKUS") or "0")
   hold = os.getenv("WRK_HOLD_SECONDS") or "5"
   local number = thread_number or 1
   key_prefix = (os.getenv("WRK_KEY_PREFIX") or "wrk") .. "-" .. number .. "-"
   math.randomseed(42 + number)
end

function request()
   counter = counter + 1
   local i = math.random(#tokens)
   local sku = skus > 0 and (sku_prefix .. (math.random(skus) - 1)) or (sku_prefix .. "HOT")
   local body = '{"customerId":' .. customers[i] .. ',"lines":[{"sku":"' .. sku .. '","qty":1}],"holdSeconds":' ..
      hold .. '}'
   return wrk.format("POST", "/v1/checkouts", {
      ["X-Api-Key"] = api_key,
      ["X-Customer-Token"] = tokens[i],
      ["Idempotency-Key"] = key_prefix .. counter,
      ["Content-Type"] = "application/json"
   }, body)
end
