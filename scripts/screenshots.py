#!/usr/bin/env python
"""Regenerate the README screenshots: `make screenshots` (or `.venv/bin/python scripts/screenshots.py`).

Starts the Nexudus sandbox (in memory, seed 1) and the dashboard (runserver, a throw-away SQLite database)
on free loopback ports, signs in as ops@sandbox.test through the real sign-in page with Debian's Chromium
(Playwright, never a downloaded browser), and writes small PNGs of the main pages to docs/screenshots/.
PNGs are shrunk with pngquant/optipng when installed, else Pillow's palette quantisation when available.

    scripts/screenshots.py [--out DIR] [--width 1280] [--height 800] [--dark]
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
EMAIL, PASSWORD = "ops@sandbox.test", "sandbox"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen, name: str, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"The {name} exited during start-up.")
        try:
            requests.get(url, timeout=1)
            return
        except requests.RequestException:
            time.sleep(0.2)
    raise SystemExit(f"The {name} did not start within {seconds:.0f} s.")


def start_servers(workdir: Path) -> tuple[str, str, list[subprocess.Popen]]:
    sandbox_port, app_port = free_port(), free_port()
    sandbox_url, app_url = f"http://127.0.0.1:{sandbox_port}", f"http://127.0.0.1:{app_port}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "dashboard.settings.base",
        "DATABASE_URL": f"sqlite:///{workdir / 'screenshots.sqlite3'}",
        "NEXUDUS_API_URL": sandbox_url,
        "DEBUG": "0",
    }
    env.pop("REDIS_URL", None)
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "cwd": ROOT, "env": env}
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput"], check=True, **quiet)
    sandbox = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "sandbox",
            "--port",
            str(sandbox_port),
            "--memory",
            "--no-throttle",
            "--seed",
            "1",
        ],
        start_new_session=True,
        **quiet,
    )
    wait_for(f"{sandbox_url}/_sandbox/health", sandbox, "sandbox")
    app = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{app_port}", "--noreload", "--nothreading"],
        start_new_session=True,
        **quiet,
    )
    wait_for(f"{app_url}/healthz", app, "dashboard")
    return sandbox_url, app_url, [app, sandbox]


def stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
    for process in processes:
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def optimise(png: bytes) -> bytes:
    """The smallest of: pngquant (if installed), Pillow's 256-colour palette (if installed), the original;
    then optipng (if installed) on the result."""
    best = png
    if shutil.which("pngquant"):
        run = subprocess.run(["pngquant", "--quality=70-95", "--speed=1", "-"], input=png, capture_output=True)
        if run.returncode == 0 and run.stdout and len(run.stdout) < len(best):
            best = run.stdout
    try:
        from PIL import Image
    except ImportError:
        Image = None
    if Image is not None and best is png:
        image = Image.open(io.BytesIO(png)).convert("RGB")
        out = io.BytesIO()
        image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(
            out, "PNG", optimize=True
        )
        if len(out.getvalue()) < len(best):
            best = out.getvalue()
    if shutil.which("optipng"):
        with tempfile.NamedTemporaryFile(suffix=".png", delete=False) as handle:
            handle.write(best)
        try:
            subprocess.run(["optipng", "-quiet", "-o2", handle.name], check=False)
            best = min(best, Path(handle.name).read_bytes(), key=len)
        finally:
            os.unlink(handle.name)
    return best


def first_record(sandbox_url: str, path: str, **params) -> dict:
    http = requests.Session()
    token = http.post(
        f"{sandbox_url}/api/token",
        timeout=10,
        data={"grant_type": "password", "username": "admin@sandbox.test", "password": PASSWORD},
    ).json()["access_token"]
    response = http.get(
        f"{sandbox_url}{path}", headers={"Authorization": f"Bearer {token}"}, params={"size": 1, **params}, timeout=10
    )
    response.raise_for_status()
    return response.json()["Records"][0]


def take(app_url: str, sandbox_url: str, out: Path, width: int, height: int, dark: bool) -> list[Path]:
    from playwright.sync_api import sync_playwright

    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    out.mkdir(parents=True, exist_ok=True)
    paid = first_record(sandbox_url, "/api/billing/coworkerinvoices", CoworkerInvoice_Paid="true")
    entry = first_record(sandbox_url, "/api/billing/coworkerledgerentries", **{"from_CoworkerLedgerEntry_Credit": "1"})
    written: list[Path] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
        )
        context = browser.new_context(
            viewport={"width": width, "height": height},
            color_scheme="dark" if dark else "light",
            reduced_motion="reduce",
        )
        context.set_default_timeout(20_000)
        page = context.new_page()

        def shot(name: str, path: str | None = None, *, full: bool = False, before=None) -> None:
            if path is not None:
                page.goto(app_url + path)
            page.wait_for_load_state("networkidle")
            if before:
                before()
            page.wait_for_function("!document.querySelector('.htmx-request')")
            page.mouse.move(0, 0)
            target = out / f"{name}.png"
            target.write_bytes(optimise(page.screenshot(full_page=full, animations="disabled")))
            written.append(target)

        shot("sign-in", "/signin/")
        page.get_by_label("Nexudus email").fill(EMAIL)
        page.get_by_label("Password").fill(PASSWORD)
        with page.expect_navigation():
            page.get_by_role("button", name="Sign in", exact=True).click()

        shot("home", "/")
        shot("invoice", f"/invoices/{paid['Id']}/")
        shot("find", "/find/?q=inv-0004")
        shot("payment-tokens", "/payment-tokens/")

        def record_token() -> None:
            page.get_by_label("Payment provider").select_option(label="Stripe")
            page.get_by_label("Token", exact=True).fill("pm_1QyTourDemo4242")
            page.get_by_label("Notes").fill("Card payment taken over the phone.")
            page.get_by_role("button", name="Save payment token").click()
            page.locator(".created-confirmation").wait_for()

        shot("payment-token-new", f"/payment-tokens/new/?coworker_invoice_id={paid['Id']}", before=record_token)

        def save_view() -> None:
            page.locator("#save-view > summary").click()
            page.get_by_label("View name").fill("Stripe payments")

        shot("ledger-entries", "/ledger-entries/?code=PAYM&payment_gateway=4", before=save_view)

        def review() -> None:
            page.get_by_label("Description").fill("Goodwill credit")
            page.get_by_label("Code").fill("ADJU")
            page.get_by_label("Debit").fill("0")
            page.get_by_label("Credit").fill("25.00")
            page.get_by_role("button", name="Review the entry").click()
            page.locator(".entry-summary").wait_for()

        shot(
            "ledger-entry-review",
            f"/ledger-entries/new/?coworker_id={entry['CoworkerId']}&business_id={entry['BusinessId']}",
            before=review,
        )

        def chart_point() -> None:  # a point of the balance chart reached with the keyboard shows its value
            page.locator("#customer-tokens table, #customer-tokens p").first.wait_for()
            page.locator('.chart-point[tabindex="0"]').focus()
            for _ in range(3):
                page.keyboard.press("ArrowLeft")

        shot(
            "customer-ledger",
            f"/customers/{entry['CoworkerId']}/ledger/?business={entry['BusinessId']}",
            before=chart_point,
        )
        shot("ledger-entry", f"/ledger-entries/{entry['Id']}/")
        shot("audit", "/audit/")
        context.close()
        browser.close()
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=800)
    parser.add_argument("--dark", action="store_true", help="dark colour scheme")
    options = parser.parse_args()
    if not os.path.exists(CHROMIUM):
        raise SystemExit(f"{CHROMIUM} is missing: install Debian's chromium package (make chromium).")
    with tempfile.TemporaryDirectory(prefix="billing-desk-shots-") as workdir:
        sandbox_url, app_url, processes = start_servers(Path(workdir))
        try:
            written = take(app_url, sandbox_url, options.out, options.width, options.height, options.dark)
        finally:
            stop(processes)
    for path in written:
        print(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}  {path.stat().st_size / 1024:.0f} KB")


if __name__ == "__main__":
    main()
