"""Slowloris clients for bench/slowloris: N connections that each send a request line and then one
header line every PAUSE seconds, never the blank line that ends the head. A connection the server
closes is counted (with how long it was held and whether a 408 came back) and reopened at once,
so the pressure stays at N for the whole run. Prints one summary line."""
import asyncio, sys, time

HOST, PORT, N, SECONDS, PAUSE = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
held, answered408, opened, failed = [], 0, 0, 0

async def one(index, deadline):
    global answered408, opened, failed
    while time.monotonic() < deadline:
        try:
            reader, writer = await asyncio.open_connection(HOST, PORT)
        except OSError:
            failed += 1
            await asyncio.sleep(0.2)
            continue
        opened += 1
        start = time.monotonic()
        writer.write(b"GET /scim/v2/Users HTTP/1.1\r\nHost: x\r\n")
        n = 0
        closed = False
        while time.monotonic() < deadline and not closed:
            try:
                data = await asyncio.wait_for(reader.read(4096), timeout=PAUSE)
                if data.startswith(b"HTTP/1.1 408"):
                    answered408 += 1
                    closed = True
                    break
                if not data:
                    closed = True
                    break
            except asyncio.TimeoutError:
                pass
            try:
                writer.write(b"X-Slow-%d: y\r\n" % n)
                await writer.drain()
            except (ConnectionError, OSError):
                closed = True
            n += 1
        if closed:
            held.append(time.monotonic() - start)
        writer.close()

async def main():
    deadline = time.monotonic() + SECONDS
    await asyncio.gather(*(one(i, deadline) for i in range(N)))

asyncio.run(main())
held.sort()
p = lambda q: held[min(len(held) - 1, int(q * len(held)))] if held else 0
print(f"slowloris: {N} connections for {SECONDS:.0f} s, a header line every {PAUSE:.0f} s: {opened} opened, "
      f"{len(held)} dropped by the server ({answered408} with 408), held p50 {p(0.5):.1f} s, max {p(1.0):.1f} s, {failed} connects refused")
