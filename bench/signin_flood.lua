-- bench/signin_flood.lua: wrong-password sign-in flood for bench/run.
--
--   BENCH_FLOOD_EMAIL=victim@example wrk -t1 -c200 -d15s -s bench/signin_flood.lua https://HOST:PORT
--
-- Every connection loops POST /v1/sessions with the right e-mail and a wrong
-- (policy-valid) password on keep-alive. The response hook counts status
-- codes; done() prints one line:
--   flood-status 201=N 401=N 429=N 503=N other=N
-- (201 would mean the "wrong" password was accepted.)

local email = os.getenv("BENCH_FLOOD_EMAIL") or "flood-target@bench.example"
wrk.method = "POST"
wrk.path = "/v1/sessions"
wrk.body = string.format('{"email":"%s","password":"%s"}', email, "Wrong-basalt-Tundra-4420-harbour")
wrk.headers["Content-Type"] = "application/json"
wrk.headers["User-Agent"] = "strongroom-bench-flood"

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  s201, s401, s429, s503, sother = 0, 0, 0, 0, 0
end

function response(status, headers, body)
  if status == 401 then s401 = s401 + 1
  elseif status == 429 then s429 = s429 + 1
  elseif status == 503 then s503 = s503 + 1
  elseif status == 201 then s201 = s201 + 1
  else sother = sother + 1 end
end

function done(summary, latency, requests)
  local t = {s201 = 0, s401 = 0, s429 = 0, s503 = 0, sother = 0}
  for _, thread in ipairs(threads) do
    for k, _ in pairs(t) do t[k] = t[k] + (thread:get(k) or 0) end
  end
  io.write(string.format("flood-status 201=%d 401=%d 429=%d 503=%d other=%d\n",
                         t.s201, t.s401, t.s429, t.s503, t.sother))
end
