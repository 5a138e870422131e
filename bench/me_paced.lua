-- bench/me_paced.lua: a light, paced client for bench/run's flood scenario.
--
--   BENCH_ME_DELAY_MS=10 wrk -t1 -c4 -d10s --latency -H "Authorization: Bearer TOKEN" \
--       -s bench/me_paced.lua https://HOST:PORT/v1/me
--
-- Each connection waits BENCH_ME_DELAY_MS (default 10) between a response and
-- its next request, so the client measures latency instead of saturating the
-- server; wrk starts a request's clock when it writes it, after the pause.

local pause = tonumber(os.getenv("BENCH_ME_DELAY_MS") or "10")

function delay()
  return pause
end
