"""Debian's Chromium, as the browser tests and the browser benchmarks launch it."""

CHROMIUM = "/usr/bin/chromium"  # Debian's; never a browser Playwright downloads
# Without the background-networking flags Chromium tries to reach the internet at every start.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
