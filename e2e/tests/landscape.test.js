'use strict';
// The emotional landscape with two partners in two browsers: check-ins shared
// with the partner or kept to oneself, the partner's answer, the trust pulse
// with its private signs, Today, and the Progress charts with their tables.
// A kept check-in and a ticked sign must never reach the partner, in words or
// in any count.

const assert = require('node:assert/strict');
const { randomUUID } = require('node:crypto');
const { after, before, test } = require('node:test');
const {
  assertNoProblems,
  checkPage,
  clickAndWait,
  headingOf,
  launchBrowser,
  newDesktopContext,
  newPhoneContext,
  pathOf,
  screenshot,
  startApp,
} = require('../lib/app.js');
const { pairCouple } = require('../lib/couple.js');

// Unique words in each note, searched for in the raw HTML of every page.
const SHARED_MARKER = `shared-note-${randomUUID().slice(0, 8)}`;
const KEPT_MARKER = `kept-note-${randomUUID().slice(0, 8)}`;
const SHARED_NOTE = `A hard morning, but I want you to know. ${SHARED_MARKER}`;
const KEPT_NOTE = `Tired of carrying this alone. ${KEPT_MARKER}`;

// The ten statements, with those worded in reverse. Answering 6 to the plain
// ones and 2 to the reversed ones scores 6 on every item: (6 − 1) / 6 × 100
// rounds to a trust index of 83, off the chart's gridlines (0, 25, 50, 75, 100).
const STATEMENTS = [
  { text: 'I have a good sense of how my partner will act in the days ahead.', reverse: false },
  { text: 'My partner\'s behaviour still catches me off guard in ways that unsettle me.', reverse: true },
  { text: 'When my partner says they will do something, I can count on it being done.', reverse: false },
  { text: 'I hesitate to rely on my partner when something really matters to me.', reverse: true },
  { text: 'I believe we can build a future together that is good for both of us.', reverse: false },
  { text: 'Part of me expects our relationship to fall apart, whatever we do.', reverse: true },
  { text: 'I believe what my partner tells me.', reverse: false },
  { text: 'I suspect my partner is still keeping things from me.', reverse: true },
  { text: 'I feel safe telling my partner what I really feel.', reverse: false },
  { text: 'I keep my guard up around my partner to protect myself.', reverse: true },
];
const EXPECTED_INDEX = '83';
const TICKED_SIGN = 'I replayed what happened over and over';
const SIGN_LABELS = [
  "I looked through my partner's phone, messages or accounts",
  'I asked the same question again and again',
  'I pulled away or went quiet',
  'I assumed the worst when something was unclear',
  'I kept score of who did what',
  'I had trouble sleeping, or woke up with it on my mind',
  'I avoided touch or closeness',
  TICKED_SIGN,
  'I needed to know where my partner was at every moment',
  'I kept my feelings to myself to keep the peace',
];

let app;
let browser;
let couple;
const contexts = [];

before(async () => {
  app = await startApp();
  browser = await launchBrowser();
  couple = await pairCouple(browser, app);
  contexts.push(couple.hurt.context, couple.involved.context);
});

after(async () => {
  if (browser) await browser.close();
  if (app) await app.stop();
});

// ---- helpers --------------------------------------------------------------------

async function visit(page, path) {
  const response = await page.goto(path);
  assert.equal(response.status(), 200, `${path} opens`);
  assert.equal(pathOf(page), path.split(/[?#]/)[0], `${path} is not redirected`);
  await checkPage(page);
}

function main(page) {
  return page.getByRole('main');
}

async function assertShows(page, text) {
  assert.ok(
    await main(page).getByText(text, { exact: false }).first().isVisible(),
    `${pathOf(page)} says "${text}"`,
  );
}

async function assertNotInHtml(page, text, why) {
  const html = await page.content();
  assert.ok(!html.includes(text), `${pathOf(page)} never holds "${text}": ${why}`);
}

function section(page, heading) {
  return main(page).locator('section').filter({ has: page.getByRole('heading', { name: heading }) });
}

async function openFamily(page, family) {
  await page.locator('details.family > summary').filter({ hasText: new RegExp(`^\\s*${family}\\b`) }).click();
}

async function pickFeeling(page, family, word, intensity) {
  await openFamily(page, family);
  await page.getByRole('checkbox', { name: word, exact: true }).check();
  await page.getByLabel(`How strongly you feel ${word}`).selectOption(String(intensity));
}

/** The items of the Today to-do list, by their titles. */
async function toDoTitles(page) {
  return (await page.locator('ol.to-do .to-do-title').allTextContents()).map((t) => t.trim());
}

async function newsTitles(page) {
  return (await section(page, 'From your partner').locator('li a strong').allTextContents()).map((t) => t.trim());
}

async function fingerprint(page) {
  const code = (await page.locator('.fingerprint code').textContent()).trim();
  const entries = (await page.locator('.fingerprint').textContent()).match(/After entry (\d+)/);
  assert.ok(entries, '/space names how many entries the record holds');
  return { code, entries: Number(entries[1]) };
}

/** Opens every "The same as a table" under the page's charts, so a screenshot shows them. */
async function openChartTables(page) {
  const summaries = main(page).locator('details.chart-data > summary');
  for (let i = 0; i < (await summaries.count()); i += 1) {
    await summaries.nth(i).click();
  }
}

/** A chart table as { headers, rows } of trimmed cell texts. */
async function readTable(table) {
  const headers = (await table.locator('thead th').allTextContents()).map((t) => t.trim());
  const rows = [];
  const trs = table.locator('tbody tr');
  for (let i = 0; i < (await trs.count()); i += 1) {
    rows.push((await trs.nth(i).locator('th, td').allTextContents()).map((t) => t.trim()));
  }
  return { headers, rows };
}

function column(table, header) {
  const at = table.headers.indexOf(header);
  assert.ok(at >= 0, `the table has a "${header}" column (it has ${table.headers.join(', ')})`);
  return table.rows.map((row) => row[at]);
}

async function feelingsTable(page) {
  const feelings = section(page, 'Feelings in check-ins');
  await feelings.locator('details.chart-data > summary').click();
  return readTable(feelings.getByRole('table'));
}

async function trustTable(page) {
  const trust = main(page).locator('#trust');
  await trust.locator('details.chart-data > summary').click();
  const table = trust.getByRole('table', { name: /Trust index over time/ });
  assert.ok(await table.isVisible(), 'the trust chart has a table with the same numbers');
  return readTable(table);
}

/**
 * Every chart is drawn whole inside its card, with nothing to scroll, and a
 * chart of one day names that day under its point.
 */
async function assertChartsFit(page) {
  const figures = main(page).locator('figure.chart');
  assert.ok((await figures.count()) >= 2, 'Progress draws its charts');
  for (let i = 0; i < (await figures.count()); i += 1) {
    const fit = await figures.nth(i).evaluate((figure) => {
      const svg = figure.querySelector('svg').getBoundingClientRect();
      const box = figure.getBoundingClientRect();
      return {
        scrolls: figure.scrollWidth > figure.clientWidth,
        inside: svg.left >= box.left - 0.5 && svg.right <= box.right + 0.5,
        width: svg.width,
      };
    });
    assert.ok(!fit.scrolls && fit.inside, `chart ${i + 1} fits its card: ${JSON.stringify(fit)}`);
    assert.ok(fit.width >= 300, `chart ${i + 1} is drawn at a readable size: ${fit.width}px`);
  }
  const centres = await main(page).locator('#trust svg').evaluate((svg) => {
    const middle = (el) => {
      const r = el.getBoundingClientRect();
      return r.left + r.width / 2;
    };
    return {
      point: middle(svg.querySelector('circle.series-point')),
      label: middle(svg.querySelector('.axis-dates text')),
    };
  });
  assert.ok(
    Math.abs(centres.point - centres.label) < 1,
    `the lone day is named under its point: ${JSON.stringify(centres)}`,
  );
}

async function phoneAs(partner, options = {}) {
  const context = await newPhoneContext(browser, {
    baseURL: app.url,
    storageState: await partner.storageState(),
    ...options,
  });
  contexts.push(context);
  return context.newPage();
}

async function desktopAs(partner, options = {}) {
  const context = await newDesktopContext(browser, {
    baseURL: app.url,
    storageState: await partner.storageState(),
    ...options,
  });
  contexts.push(context);
  return context.newPage();
}

const sum = (values) => values.reduce((total, v) => total + Number(v), 0);

// ---- the story ------------------------------------------------------------------

test('Today greets a newly paired couple with what to do and a kind empty state', async () => {
  for (const partner of [couple.hurt, couple.involved]) {
    const page = partner.page;
    await visit(page, '/');
    assert.equal(await headingOf(page), 'Today');
    assert.deepEqual(await toDoTitles(page), ['Check in with yourself', 'Your trust pulse is due']);
    await assertShows(page, 'You have not checked in yet. One word is enough.');
    await assertShows(page, 'Your first one; about two minutes.');
    assert.ok(await main(page).getByRole('link', { name: 'Check in', exact: true }).isVisible());
    assert.ok(await main(page).getByRole('link', { name: 'Take the pulse' }).isVisible());
    await assertShows(page, 'Nothing shared by your partner yet.');
    assert.deepEqual(await newsTitles(page), []);
  }
  await screenshot(couple.involved.page, 'landscape-today-empty-390');
});

test('a shared check-in reaches the partner and is answered; a kept one reaches no one', async () => {
  const a = couple.hurt.page;
  const b = couple.involved.page;

  // ---- A shares a check-in ----
  await visit(a, '/checkin');
  assert.equal(await headingOf(a), 'Check in');
  assert.ok(await a.getByRole('radio', { name: 'Only me' }).isChecked(), 'a check-in starts out as only mine');
  await pickFeeling(a, 'Hurt', 'Betrayed', 4);
  await pickFeeling(a, 'Hopeful', 'Hopeful', 2);
  await a.getByLabel('A few words, if you want').fill(SHARED_NOTE);
  await a.getByRole('radio', { name: 'Me and my partner' }).check();
  await checkPage(a);
  await screenshot(a, 'landscape-checkin-form-390');
  await clickAndWait(a, a.getByRole('button', { name: 'Save my check-in' }));
  assert.equal(pathOf(a), '/checkin', `the check-in is saved (the page says "${await headingOf(a)}")`);
  assert.equal(
    (await a.getByRole('status').textContent()).trim(),
    'Shared. Your partner can read it now.',
  );
  const mineShared = main(a).locator('article.checkin').filter({ hasText: SHARED_MARKER });
  assert.equal(await mineShared.count(), 1, 'the shared check-in is listed once');
  assert.match(await mineShared.textContent(), /shared with your partner/);
  assert.match(await mineShared.textContent(), /Betrayed\s+strongly/);
  assert.match(await mineShared.textContent(), /Hopeful\s+somewhat/);
  await checkPage(a);

  await visit(a, '/space');
  const recordBefore = await fingerprint(a);

  // ---- B keeps a check-in to themselves ----
  await visit(b, '/checkin');
  const waiting = main(b).locator('.checkin-waiting');
  assert.ok(
    await waiting.getByRole('link', { name: 'Your partner checked in: Betrayed, Hopeful' }).isVisible(),
    "A's check-in waits for B's answer at the top of the page",
  );
  assert.ok(
    (await waiting.boundingBox()).y < (await b.locator('form.checkin-form').boundingBox()).y,
    'what waits for an answer comes before the form',
  );
  await pickFeeling(b, 'Sad', 'Weary', 3);
  await b.getByLabel('A few words, if you want').fill(KEPT_NOTE);
  await b.getByRole('radio', { name: 'Only me' }).check();
  await clickAndWait(b, b.getByRole('button', { name: 'Save my check-in' }));
  assert.equal(pathOf(b), '/checkin', `the check-in is kept (the page says "${await headingOf(b)}")`);
  assert.equal(
    (await b.getByRole('status').textContent()).trim(),
    'Kept. Only you can see this check-in.',
  );
  const kept = main(b).locator('article.checkin').filter({ hasText: KEPT_MARKER });
  assert.equal(await kept.count(), 1, 'B sees their kept check-in');
  assert.match(await kept.textContent(), /only you/);
  const fromA = main(b).locator('article.checkin').filter({ hasText: SHARED_MARKER });
  assert.equal(await fromA.count(), 1, "B sees A's shared check-in in the list");
  assert.match(await fromA.textContent(), /Your partner\s+shared with you/);
  await checkPage(b);
  await screenshot(b, 'landscape-checkin-list-b-390');

  // ---- nothing of B's kept check-in reaches A ----
  await visit(a, '/space');
  assert.deepEqual(
    await fingerprint(a),
    recordBefore,
    'a kept check-in adds nothing to the shared record: same entry count, same fingerprint',
  );
  await assertNotInHtml(a, KEPT_MARKER, "B's kept check-in stays in B's private space");

  await visit(a, '/checkin');
  await assertNotInHtml(a, KEPT_MARKER, "B's kept check-in stays in B's private space");
  assert.equal(await main(a).locator('article.checkin').count(), 1, "A's list holds only A's own check-in");
  assert.equal(await main(a).locator('article.from-partner').count(), 0, 'nothing from B is listed to A');

  await visit(a, '/');
  await assertNotInHtml(a, KEPT_MARKER, "B's kept check-in stays in B's private space");
  await assertShows(a, 'Nothing shared by your partner yet.');
  assert.deepEqual(await newsTitles(a), [], 'a kept check-in is no news to the partner');

  await visit(a, '/progress');
  await assertNotInHtml(a, KEPT_MARKER, "B's kept check-in stays in B's private space");
  const feelingsDesc = await main(a).locator('#feelings svg desc').textContent();
  assert.match(feelingsDesc, /your partner shared 0 check-ins/, "A's feelings chart counts no check-in of B's");
  const feelings = await feelingsTable(a);
  assert.equal(sum(column(feelings, 'Your partner (shared)')), 0, "A's feelings table counts no feeling of B's");
  assert.equal(sum(column(feelings, 'You')), 2, "A's own two feelings are counted");

  // ---- B answers A's check-in from Today ----
  await visit(b, '/');
  assert.deepEqual(await newsTitles(b), ['Your partner checked in: Betrayed, Hopeful']);
  await assertShows(b, `“${SHARED_NOTE}”`);
  assert.deepEqual(
    await toDoTitles(b),
    ['Your trust pulse is due'],
    'a kept check-in counts as checking in today',
  );
  await clickAndWait(b, main(b).getByRole('link', { name: 'Your partner checked in: Betrayed, Hopeful' }));
  assert.match(pathOf(b), /^\/checkin\/\d+$/, 'the news leads to the check-in itself');
  const sharedCheckIn = pathOf(b);
  assert.equal(await headingOf(b), 'Your partner’s check-in');
  await assertShows(b, SHARED_NOTE);
  await checkPage(b);
  await clickAndWait(b, b.getByRole('button', { name: /^Thank you for telling me/ }));
  assert.equal(pathOf(b), sharedCheckIn, 'answering stays on the check-in');
  await assertShows(b, 'You answered');
  await assertShows(b, '“Thank you for telling me.”');
  assert.equal(
    await b.getByRole('button', { name: /^Thank you for telling me/ }).count(),
    0,
    'a check-in is answered once',
  );
  await checkPage(b);

  // ---- A sees the answer ----
  await visit(a, '/');
  assert.deepEqual(await newsTitles(a), ['Your partner answered your check-in']);
  await assertShows(a, '“Thank you for telling me.”');
  await clickAndWait(a, main(a).getByRole('link', { name: 'Your partner answered your check-in' }));
  assert.equal(pathOf(a), sharedCheckIn, 'the news leads to the answered check-in');
  assert.equal(await headingOf(a), 'Your check-in');
  await assertShows(a, 'Your partner answered');
  await assertShows(a, '“Thank you for telling me.”');
  assert.equal(
    await a.getByRole('button', { name: /^Thank you for telling me/ }).count(),
    0,
    'one cannot answer one’s own check-in',
  );
  await checkPage(a);

  await visit(a, '/checkin');
  const answered = main(a).locator('article.checkin').filter({ hasText: SHARED_MARKER });
  assert.match(await answered.textContent(), /Your partner answered/);
  await assertNotInHtml(a, KEPT_MARKER, "B's kept check-in stays in B's private space");
});

test('a shared trust pulse shows its index to both; its ticked sign stays with its author', async () => {
  const a = couple.hurt.page;
  const b = couple.involved.page;

  await visit(a, '/pulse');
  assert.equal(await headingOf(a), 'Trust pulse');
  await assertShows(a, 'Your pulse is due today.');
  assert.ok(
    await a.getByRole('radio', { name: 'Keep it to myself' }).isChecked(),
    'a pulse starts out as kept',
  );
  for (const statement of STATEMENTS) {
    const group = main(a).getByRole('group', { name: statement.text });
    await group.getByRole('radio', { name: statement.reverse ? '2' : '6', exact: true }).check();
  }
  await a.getByRole('checkbox', { name: TICKED_SIGN }).check();
  await a.getByRole('radio', { name: 'Share it with my partner' }).check();
  await checkPage(a);
  await screenshot(a, 'landscape-pulse-form-390');

  await clickAndWait(a, a.getByRole('button', { name: 'See my result' }));
  assert.match(pathOf(a), /^\/pulse\/shared\/\d+$/, `the result is shown (the page says "${await headingOf(a)}")`);
  const pulseResult = pathOf(a);
  assert.equal(await headingOf(a), 'Your trust pulse');
  await assertShows(a, 'Shared with your partner.');
  assert.equal((await a.locator('.trust-number').textContent()).trim(), EXPECTED_INDEX);
  assert.equal(
    await a.getByRole('meter', { name: 'Trust index' }).getAttribute('value'),
    EXPECTED_INDEX,
    'the meter carries the index',
  );
  await checkPage(a);
  await screenshot(a, 'landscape-pulse-result-390');

  // ---- A's Progress: the chart, its table, and A's own signs ----
  await visit(a, '/progress');
  const trustCard = main(a).locator('#trust');
  assert.match(
    (await trustCard.getByText('Your latest:').textContent()).trim(),
    new RegExp(`^Your latest: ${EXPECTED_INDEX} on \\d{1,2} [A-Z][a-z]+ \\d{4}$`),
  );
  const chart = trustCard.locator('figure svg');
  assert.equal(await chart.count(), 1, 'the trust chart is an inline SVG');
  assert.equal(await chart.getAttribute('role'), 'img');
  assert.match(await chart.locator('desc').textContent(), new RegExp(`You: 1 value .*latest ${EXPECTED_INDEX}\\b`));
  assert.ok((await chart.locator('circle.series-point').count()) >= 1, "A's point is drawn");
  const aTrust = await trustTable(a);
  assert.equal(aTrust.rows.length, 1, 'one day with a pulse');
  assert.match(aTrust.rows[0][0], /^\d{1,2} [A-Z][a-z]+ \d{4}$/);
  assert.deepEqual(column(aTrust, 'You'), [EXPECTED_INDEX], 'the table holds the shared value, not marked as kept');
  assert.deepEqual(column(aTrust, 'Your partner (shared)'), ['']);
  const aSigns = section(a, 'Signs you noticed in yourself');
  await assertShows(a, `${TICKED_SIGN}: 1 time`);
  assert.equal(await aSigns.locator('figure svg').count(), 1, 'A sees their own signs chart');
  await assertNotInHtml(a, KEPT_MARKER, "B's kept check-in stays in B's private space");

  // ---- B sees the shared pulse, never the sign ----
  await visit(b, '/');
  assert.deepEqual(
    await newsTitles(b),
    ['Your partner shared a trust pulse', 'Your partner checked in: Betrayed, Hopeful'],
    'the news is newest first',
  );
  await clickAndWait(b, main(b).getByRole('link', { name: 'Your partner shared a trust pulse' }));
  assert.equal(pathOf(b), pulseResult, "the news leads to A's result");
  assert.equal(await headingOf(b), 'Your partner’s trust pulse');
  assert.equal((await b.locator('.trust-number').textContent()).trim(), EXPECTED_INDEX);
  await assertShows(b, 'Your partner shared it with you.');
  await assertNotInHtml(b, TICKED_SIGN, "A's signs are A's alone");
  await checkPage(b);

  await visit(b, '/progress');
  const bTrustCard = main(b).locator('#trust');
  assert.match(
    (await bTrustCard.getByText('Your partner’s latest shared:').textContent()).trim(),
    new RegExp(`^Your partner’s latest shared: ${EXPECTED_INDEX} on `),
  );
  assert.equal(await bTrustCard.locator('figure svg').count(), 1, "B's Progress draws A's shared pulse");
  const bTrust = await trustTable(b);
  assert.deepEqual(column(bTrust, 'Your partner (shared)'), [EXPECTED_INDEX]);
  assert.deepEqual(column(bTrust, 'You'), [''], 'B has taken no pulse');
  await assertShows(b, 'Nothing here yet.');
  assert.equal(await section(b, 'Signs you noticed in yourself').locator('svg').count(), 0);
  for (const sign of SIGN_LABELS) {
    await assertNotInHtml(b, sign, "A's signs are A's alone");
  }
  const bFeelings = await feelingsTable(b);
  assert.equal(sum(column(bFeelings, 'Your partner (shared)')), 2, "B counts A's two shared feelings");
  assert.equal(sum(column(bFeelings, 'You')), 1, "B's own kept check-in counts for B");

  await visit(b, '/pulse');
  const recent = section(b, 'Recent pulses');
  assert.match(
    await recent.getByRole('listitem').first().textContent(),
    new RegExp(`Your partner, .*trust index ${EXPECTED_INDEX}\\s+shared`),
  );
});

test('Today and Progress after a day of sharing, at 390 and 1280 px, light and dark', async () => {
  const a = couple.hurt.page;
  const b = couple.involved.page;

  await visit(a, '/');
  assert.deepEqual(await toDoTitles(a), [], 'A checked in and took the pulse: nothing waits');
  await assertShows(a, 'Nothing is waiting for you today. That is worth a breath.');
  assert.deepEqual(await newsTitles(a), ['Your partner answered your check-in']);
  await assertShows(a, 'Everything your partner has shared so far.');

  await visit(b, '/');
  assert.deepEqual(await toDoTitles(b), ['Your trust pulse is due']);
  assert.deepEqual(await newsTitles(b), [
    'Your partner shared a trust pulse',
    'Your partner checked in: Betrayed, Hopeful',
  ]);
  await screenshot(b, 'landscape-today-b-390');

  const lightBackground = await a.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const views = [
    { name: '390', open: (options) => phoneAs(couple.hurt, options) },
    { name: '1280', open: (options) => desktopAs(couple.hurt, options) },
  ];
  for (const view of views) {
    for (const scheme of ['light', 'dark']) {
      const page = await view.open({ colorScheme: scheme });
      const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);

      await visit(page, '/');
      assert.equal(await headingOf(page), 'Today');
      assert.deepEqual(await newsTitles(page), ['Your partner answered your check-in']);
      if (scheme === 'dark') {
        assert.notEqual(await background(), lightBackground, 'dark mode has its own colours');
      }
      await screenshot(page, `landscape-today-${view.name}-${scheme}`);

      await visit(page, '/progress');
      assert.equal(await headingOf(page), 'Progress');
      await assertChartsFit(page);
      await openChartTables(page);
      await checkPage(page);
      await assertNotInHtml(page, KEPT_MARKER, "B's kept check-in stays in B's private space");
      await screenshot(page, `landscape-progress-${view.name}-${scheme}`);
    }
  }
});

test("B's kept check-in is nowhere in A's pages, and every browser stayed clean", async () => {
  const a = couple.hurt.page;
  for (const path of ['/checkin', '/', '/progress', '/progress?days=90&span=all', '/space', '/pulse']) {
    await visit(a, path);
    await assertNotInHtml(a, KEPT_MARKER, "B's kept check-in stays in B's private space");
    await assertNotInHtml(a, KEPT_NOTE.split('.')[0], "B's kept words stay in B's private space");
  }
  await visit(a, '/progress?days=90');
  const feelings = await feelingsTable(a);
  assert.equal(sum(column(feelings, 'Your partner (shared)')), 0, 'over 90 days too, nothing of B counts');

  for (const context of contexts) {
    assertNoProblems(context);
  }
});
