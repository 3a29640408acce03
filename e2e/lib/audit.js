'use strict';
/**
 * Two audits every page in the browser tests passes (see checkPage):
 *
 * accessibilityViolations(page) -> Promise<string[]>
 *     Runs axe-core against WCAG 2.0, 2.1 and 2.2 A and AA in the page as it
 *     is drawn (light or dark, whatever the context asked for) and describes
 *     each violation with the elements it found. The script is evaluated
 *     through the browser's debugging protocol, so the page's own strict CSP
 *     stays on: nothing in the app loosens for the test.
 *
 * smallTapTargets(page) -> Promise<string[]>
 *     Every button, field, select, summary, chip and navigation link that is
 *     visible and smaller than 44x44 CSS px. A checkbox or radio counts with
 *     its label; a link inside a sentence of running text is exempt, as in
 *     WCAG 2.5.8.
 */

const fs = require('node:fs');

const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const MIN_TARGET_PX = 44;

async function accessibilityViolations(page) {
  const loaded = await page.evaluate(() => typeof window.axe !== 'undefined');
  if (!loaded) {
    await page.evaluate(AXE_SOURCE);
  }
  const results = await page.evaluate(() =>
    window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
      resultTypes: ['violations'],
    }),
  );
  return results.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
  );
}

async function smallTapTargets(page) {
  return page.evaluate((min) => {
    const visible = (el) => {
      const box = el.getBoundingClientRect();
      const style = getComputedStyle(el);
      // Placed off the page (the skip link until it has focus): not a target yet.
      const onPage = box.right > 0 && box.bottom > 0;
      return box.width > 0 && box.height > 0 && onPage && style.visibility !== 'hidden' && el.closest('[hidden]') === null;
    };
    // A link is part of running text when its paragraph says more than the link.
    const inRunningText = (el) => {
      const paragraph = el.closest('p');
      return paragraph !== null && paragraph.textContent.trim().length > el.textContent.trim().length;
    };
    // A checkbox or radio is tapped through its label too: the larger of the two counts.
    const tappableBox = (el) => {
      const own = el.getBoundingClientRect();
      if (el.type !== 'checkbox' && el.type !== 'radio') return own;
      const boxes = [own, ...Array.from(el.labels || []).map((l) => l.getBoundingClientRect())];
      return boxes.reduce((a, b) => (b.width * b.height > a.width * a.height ? b : a));
    };
    const describe = (el, box) => {
      const name = (el.getAttribute('aria-label') || el.textContent || el.name || el.type || '').trim().slice(0, 40);
      return `<${el.tagName.toLowerCase()}> "${name}" is ${Math.round(box.width)}x${Math.round(box.height)} px`;
    };
    const controls = document.querySelectorAll(
      'button, input:not([type=hidden]), select, textarea, summary, a[href]',
    );
    const small = [];
    for (const el of controls) {
      if (!visible(el)) continue;
      if (el.tagName === 'A' && inRunningText(el)) continue;
      const box = tappableBox(el);
      // Half a pixel of rounding is not a smaller target.
      if (box.width + 0.5 < min || box.height + 0.5 < min) small.push(describe(el, box));
    }
    return small;
  }, MIN_TARGET_PX);
}

module.exports = { accessibilityViolations, smallTapTargets };
