// On a narrow screen the report sits below the form, out of view when a test starts; on a wide one it is beside the
// form and already in view, so nothing moves.
export function reveal(id) {
    const report = document.getElementById(id);
    if (!report) {
        return;
    }

    const top = report.getBoundingClientRect().top;
    const appBarBottom = document.querySelector('.mud-appbar')?.getBoundingClientRect().bottom ?? 0;
    if (top >= appBarBottom && top < window.innerHeight - 120) {
        return;
    }

    const reduceMotion = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
    report.scrollIntoView({ block: 'start', behavior: reduceMotion ? 'auto' : 'smooth' });
}

// The result comes at the end of a report that can be taller than the screen: bring it into view, scrolling the report
// column on a wide screen (the page stays put) or the page on a narrow one.
export function revealResult(id) {
    document.getElementById(id)?.querySelector('[data-testid="test-result"]')?.scrollIntoView({ block: 'nearest' });
}
