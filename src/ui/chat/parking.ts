/**
 * Long histories (browser code): only the turns near the viewport keep their content in the DOM.
 * A turn far from the viewport is "parked": its body leaves the DOM and the article keeps its measured height, so
 * a 1,000-message conversation lays out and paints like a short one; an answer of a long history that was never
 * shown is not even rendered until it comes near (its height estimated until then). Nearer than the margin, the
 * body is back (re-attached, or rendered once) before it scrolls into view.
 */
import type { TurnDom } from './turn';

/** Answers of a state rendered at once, counted from the end. */
export const EAGER_TURNS = 8;
/** How far beyond the viewport turns stay in the DOM. */
const NEAR_MARGIN_PX = 1500;
/** Time one frame may spend rendering answers that came near (ms). */
const RENDER_FRAME_BUDGET_MS = 6;
/** Scrolled less than this long ago (ms): the log is moving fast, first renders wait. */
const FLING_MS = 120;

export class TurnParking {
  private lastScrollAt = 0;
  private lastScrollTop = 0;
  private readonly domOf = new Map<Element, TurnDom>();
  private readonly comingNear = new Set<TurnDom>();
  private nearFrame = false;
  private readonly viewObserver: IntersectionObserver;

  /** `fill` renders a turn's body for the first time. */
  constructor(
    private readonly log: HTMLElement,
    private readonly fill: (d: TurnDom) => void,
  ) {
    this.viewObserver = new IntersectionObserver(
      (entries) => {
        for (const e of entries) {
          const d = this.domOf.get(e.target);
          if (!d) continue;
          if (e.isIntersecting) {
            if (d.parked) this.comingNear.add(d);
          } else {
            this.comingNear.delete(d);
            if (!d.parked && d.rendered && !d.stream) this.park(d, e.boundingClientRect.height);
          }
        }
        this.bringNearSoon();
      },
      { root: log, rootMargin: `${NEAR_MARGIN_PX}px 0px` },
    );
  }

  /** The log scrolled: a fling is more than a screen's worth of movement since the last event. */
  noteScroll(): void {
    if (Math.abs(this.log.scrollTop - this.lastScrollTop) > 150) this.lastScrollAt = performance.now();
    this.lastScrollTop = this.log.scrollTop;
  }

  private bringNearSoon(): void {
    if (this.nearFrame || !this.comingNear.size) return;
    this.nearFrame = true;
    requestAnimationFrame(() => {
      this.nearFrame = false;
      const t0 = performance.now();
      // while the log is flung (scrolled in the last moments), answers never shown stay placeholders; they render
      // once it slows down
      const flung = t0 - this.lastScrollAt < FLING_MS;
      for (const d of [...this.comingNear].reverse()) {
        // re-attaching a rendered body is cheap; rendering one for the first time waits for the next frame past the budget
        if (!d.rendered && (flung || performance.now() - t0 > RENDER_FRAME_BUDGET_MS)) continue;
        this.comingNear.delete(d);
        if (d.rendered) this.unpark(d);
        else this.fill(d);
      }
      if (flung && [...this.comingNear].some((d) => !d.rendered)) setTimeout(() => this.bringNearSoon(), FLING_MS);
      else this.bringNearSoon();
    });
  }

  private park(d: TurnDom, height: number): void {
    if (height <= 0 || d.el.contains(document.activeElement)) return;
    d.el.style.height = `${Math.round(height)}px`;
    d.body.remove();
    d.parked = true;
  }

  /** A turn that is not rendered until it comes near the viewport: parked at once, at an estimated height. */
  defer(d: TurnDom): void {
    d.parked = true;
    d.body.remove();
    d.el.style.height = `${estimateHeight(d.view.content)}px`;
  }

  unpark(d: TurnDom): void {
    if (!d.parked) return;
    d.parked = false;
    d.el.removeAttribute('style');
    d.el.querySelector('.turn-head')?.after(d.body);
  }

  watch(d: TurnDom): void {
    this.domOf.set(d.el, d);
    this.viewObserver.observe(d.el);
  }

  unwatch(d: TurnDom): void {
    this.domOf.delete(d.el);
    this.comingNear.delete(d);
    this.viewObserver.unobserve(d.el);
  }
}

/** A rough height for an answer never rendered yet (lines of about 90 characters, code and lists a bit taller). */
function estimateHeight(text: string): number {
  let lines = 0;
  for (const l of text.split('\n')) lines += 1 + Math.floor(l.length / 90);
  return Math.min(20_000, 48 + lines * 21);
}
