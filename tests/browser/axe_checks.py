"""axe-core's serious and critical violations of a page, in words, in one or both colour schemes."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe

BLOCKING = {"serious", "critical"}
SCHEMES = ("light", "dark")


def violations(axe: Axe, page, where: str) -> list[str]:
    """The page's blocking violations as it is now, each with the elements it names."""
    found = []
    for violation in axe.run(page).response["violations"]:
        if violation["impact"] in BLOCKING:
            targets = "; ".join(", ".join(node["target"]) for node in violation["nodes"][:5])
            found.append(f"{where}: {violation['id']} ({violation['impact']}): {violation['help']} — {targets}")
    return found


def violations_in_each_scheme(axe: Axe, page, where: str) -> list[str]:
    """`violations` in light and in dark. Reduced motion: the colours switch at once instead of fading
    (Pico's transitions), so axe measures each scheme's final colours."""
    found = []
    for scheme in SCHEMES:
        page.emulate_media(color_scheme=scheme, reduced_motion="reduce")
        page.wait_for_timeout(50)
        found += violations(axe, page, f"{where} [{scheme}]")
    return found
