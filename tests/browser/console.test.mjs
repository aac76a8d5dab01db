// SPDX-License-Identifier: MIT
// console.test.mjs -- the web console in headless Chromium against the real daemon:
// sign up, log in, register, keys, challenge values seen over DNS, limits, refusals,
// CSRF, another user's subdomain, instant subdomain, staff statistics, password change,
// log out. Every page visited is saved under tests/out/browser/.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, test } from 'node:test';
import { Daemon, OUT, launchUser, shot, txtValue } from './harness.mjs';

const PARENT = 'localhostcert.test';
const PW = 'correct horse battery';
let d, alice, bob, page;

before(async () => {
	fs.rmSync(OUT, { recursive: true, force: true });
	d = await new Daemon('[dns]\nttl_challenge = 1\n').start();
	d.ctl(['staff-create', 'root', '--password-stdin'], 'staff password 1\n');
	alice = await launchUser();
	page = await alice.newPage();
});

after(async () => {
	await alice?.close();
	await bob?.close();
	await d?.stop();
});

/** Fill the fields of a form (a CSS selector) and submit it; returns the response status. */
async function submit(p, form, fields = {}) {
	const f = p.locator(form).first();
	for (const [name, value] of Object.entries(fields)) {
		const el = f.locator(`[name="${name}"]`);
		if ((await el.evaluate((e) => e.tagName)) === 'SELECT') {
			await el.selectOption(value);
		} else {
			await el.fill(value);
		}
	}
	const [resp] = await Promise.all([p.waitForNavigation(), f.locator('button[type="submit"]').first().click()]);
	return resp.status();
}

async function alertText(p) {
	return (await p.locator('.alert').allInnerTexts()).join(' | ');
}

test('home page, with the instant button, works without JavaScript', async () => {
	const r = await page.goto(d.base + '/');
	assert.equal(r.status(), 200);
	assert.match(await page.locator('h1').innerText(), /certificates/i);
	assert.equal(await page.locator('form[action="/instant"] button').count(), 1);
	assert.equal(await page.locator('script').count(), 0, 'no script on the page');
	await shot(page, 'home');
});

test('sign up', async () => {
	await page.goto(d.base + '/signup');
	await shot(page, 'signup');
	let st = await submit(page, 'form[action="/signup"]', { name: 'alice', password: PW, password2: 'other password' });
	assert.equal(st, 422);
	assert.match(await alertText(page), /passwords differ/);
	await shot(page, 'signup-error');
	st = await submit(page, 'form[action="/signup"]', { name: 'Alice', password: PW, password2: PW });
	assert.equal(st, 200);
	assert.equal(new URL(page.url()).pathname, '/subdomains');
	assert.match(await page.locator('.count').innerText(), /0 of 5 used/);
	await shot(page, 'subdomains-empty');
	const cookies = await alice.cookies(d.base);
	const s = cookies.find((c) => c.name === 'lc_session');
	assert.ok(s && s.httpOnly && s.sameSite === 'Lax', 'session cookie is HttpOnly, SameSite=Lax');
});

test('log out and log in (a wrong password first)', async () => {
	await Promise.all([page.waitForNavigation(), page.locator('form[action="/logout"] button').click()]);
	assert.equal(new URL(page.url()).pathname, '/');
	assert.equal(await page.locator('a[href="/login"]').first().count(), 1);
	const r = await page.goto(d.base + '/subdomains');
	assert.equal(new URL(r.url()).pathname, '/login', 'signed-out users are sent to log in');
	let st = await submit(page, 'form[action="/login"]', { name: 'alice', password: 'wrong password' });
	assert.equal(st, 401);
	assert.match(await alertText(page), /user name or the password is wrong/);
	await shot(page, 'login-wrong');
	st = await submit(page, 'form[action="/login"]', { name: 'alice', password: PW });
	assert.equal(st, 200);
	assert.equal(new URL(page.url()).pathname, '/subdomains');
});

test('register a subdomain; a blocked and a taken name get precise messages', async () => {
	await page.goto(d.base + '/subdomains/new');
	await shot(page, 'register');
	let st = await submit(page, 'form[action="/subdomains/new"]', { label: 'paypal-login', parent: PARENT });
	assert.equal(st, 422);
	assert.match(await alertText(page), /looks like the name of a popular site/);
	await shot(page, 'register-blocked');
	st = await submit(page, 'form[action="/subdomains/new"]', { label: 'bad--label', parent: PARENT });
	assert.equal(st, 422);
	assert.match(await alertText(page), /no '--'/);
	st = await submit(page, 'form[action="/subdomains/new"]', { label: 'myapp', parent: PARENT });
	assert.equal(st, 200);
	assert.equal(new URL(page.url()).pathname, `/subdomains/myapp.${PARENT}`);
	assert.match(await alertText(page), /Registered/);
	const rows = await page.locator('table tr').allInnerTexts();
	assert.ok(rows.some((r) => /SOA/.test(r) && /locked/.test(r)), 'SOA row locked');
	assert.ok(rows.some((r) => /\bA\b/.test(r) && /127\.0\.0\.1/.test(r)), 'A 127.0.0.1');
	assert.ok(rows.some((r) => /MX/.test(r) && /null MX/.test(r)), 'MX with its reason');
	await shot(page, 'subdomain');
	await page.goto(d.base + '/subdomains/new');
	st = await submit(page, 'form[action="/subdomains/new"]', { label: 'myapp', parent: PARENT });
	assert.equal(st, 409);
	assert.match(await alertText(page), /is taken/);
	await shot(page, 'register-taken');
});

let creds;
test('create a key and read the secret once; download the JSON', async () => {
	await page.goto(d.base + `/subdomains/myapp.${PARENT}`);
	const st = await submit(page, `form[action="/subdomains/myapp.${PARENT}/keys"]`, {});
	assert.equal(st, 201);
	creds = JSON.parse(await page.locator('#creds-json').innerText());
	assert.equal(creds.fulldomain, `myapp.${PARENT}`);
	assert.equal(creds.subdomain, 'myapp');
	assert.match(creds.password, /^[A-Za-z0-9_-]{43}$/);
	assert.equal(await page.locator('.secret').innerText(), creds.password);
	const lego = JSON.parse(await page.locator('#lego-json').innerText());
	assert.deepEqual(lego[`myapp.${PARENT}`], creds);
	assert.match(await page.locator('#acmesh').innerText(), /ACMEDNS_PASSWORD="/);
	assert.match(await page.locator('#certbot').innerText(), /CERTBOT_VALIDATION/);
	await shot(page, 'key-new');
	const [dl] = await Promise.all([page.waitForEvent('download'),
		page.locator('button[value="acmedns"]').click()]);
	assert.equal(dl.suggestedFilename(), 'credentials.json');
	const file = JSON.parse(fs.readFileSync(await dl.path(), 'utf8'));
	assert.deepEqual(file, creds);
	// The key works with the API, exactly as an ACME client would use it.
	const r = await fetch(d.base + '/api/v1/check',
		{ headers: { 'X-Api-User': creds.username, 'X-Api-Key': creds.password } });
	assert.equal(r.status, 200);
	// The secret is not shown again.
	await page.goto(d.base + `/subdomains/myapp.${PARENT}`);
	assert.ok(!(await page.content()).includes(creds.password), 'secret not on the detail page');
	assert.match(await page.locator('main').innerText(), new RegExp(creds.username), 'the key is listed');
});

test('set challenge values by hand: answered over DNS, a third refused, delete one', async () => {
	const name = `_acme-challenge.myapp.${PARENT}`;
	const form = `form[action="/subdomains/myapp.${PARENT}/txt"]`;
	const v1 = txtValue(1), v2 = txtValue(2), v3 = txtValue(3);
	let st = await submit(page, `${form}`, { txt: 'not-a-challenge' });
	assert.equal(st, 422);
	assert.match(await alertText(page), /43 characters/);
	st = await submit(page, `${form}`, { txt: v1 });
	assert.equal(st, 200);
	assert.match(await alertText(page), /value is set/);
	assert.deepEqual(d.txt(name).values, [v1], 'DNS answers with the value at once');
	await submit(page, `${form}`, { txt: v2 });
	assert.deepEqual(d.txt(name).values.sort(), [v1, v2].sort());
	await shot(page, 'values-two');
	st = await submit(page, `${form}`, { txt: v3 });
	assert.equal(st, 409);
	assert.match(await alertText(page), /Two values are set already.*Delete/);
	await shot(page, 'values-third-refused');
	assert.deepEqual(d.txt(name).values.sort(), [v1, v2].sort(), 'the third changed nothing');
	await page.goto(d.base + `/subdomains/myapp.${PARENT}`);
	const del = page.locator(`form[action="/subdomains/myapp.${PARENT}/txt/delete"]:has(input[value="${v1}"]) button`);
	await Promise.all([page.waitForNavigation(), del.click()]);
	assert.match(await alertText(page), /value is deleted/);
	assert.deepEqual(d.txt(name).values, [v2], 'DNS no longer answers with the deleted value');
	await shot(page, 'values-deleted');
});

test('delete the key, with a confirmation', async () => {
	await page.goto(d.base + `/subdomains/myapp.${PARENT}`);
	await Promise.all([page.waitForNavigation(), page.locator('a', { hasText: 'Delete…' }).first().click()]);
	assert.match(await page.locator('h1').innerText(), /Delete this key/);
	await shot(page, 'key-delete-confirm');
	await Promise.all([page.waitForNavigation(), page.locator('button.danger').click()]);
	assert.match(await alertText(page), /key is deleted/);
	const r = await fetch(d.base + '/api/v1/check',
		{ headers: { 'X-Api-User': creds.username, 'X-Api-Key': creds.password } });
	assert.equal(r.status, 401, 'the deleted key no longer works');
});

test('hit the subdomain limit (5)', async () => {
	for (const label of ['two', 'three', 'four', 'five']) {
		await page.goto(d.base + '/subdomains/new');
		const st = await submit(page, 'form[action="/subdomains/new"]', { label, parent: 'localcert.test' });
		assert.equal(st, 200, label);
	}
	await page.goto(d.base + '/subdomains');
	assert.match(await page.locator('.count').innerText(), /5 of 5 used/);
	assert.match(await alertText(page), /reached your limit of 5/);
	await shot(page, 'subdomains-limit');
	await page.goto(d.base + '/subdomains/new');
	const st = await submit(page, 'form[action="/subdomains/new"]', { label: 'six', parent: PARENT });
	assert.equal(st, 409);
	assert.match(await alertText(page), /limit of 5/);
	await shot(page, 'register-over-limit');
});

test('a POST without the CSRF token is rejected', async () => {
	const r = await page.request.post(d.base + '/subdomains/new', {
		form: { label: 'nocsrf', parent: PARENT }, maxRedirects: 0,
	});
	assert.equal(r.status(), 403);
	assert.match(await r.text(), /not sent from this site/);
	const r2 = await page.request.post(d.base + `/subdomains/myapp.${PARENT}/txt`, {
		form: { txt: txtValue(9), csrf: 'A'.repeat(43) }, maxRedirects: 0,
	});
	assert.equal(r2.status(), 403, 'a wrong token too');
	await page.setContent(await r.text());
	await shot(page, 'csrf-rejected');
});

test("another user's subdomain is 404, for pages and forms", async () => {
	bob = await launchUser();
	const p = await bob.newPage();
	await p.goto(d.base + '/signup');
	await submit(p, 'form[action="/signup"]', { name: 'bob', password: PW, password2: PW });
	let r = await p.goto(d.base + `/subdomains/myapp.${PARENT}`);
	assert.equal(r.status(), 404);
	await shot(p, 'other-users-subdomain');
	r = await p.goto(d.base + `/subdomains/myapp.${PARENT}/delete`);
	assert.equal(r.status(), 404);
	const csrf = await p.locator('input[name="csrf"]').first().getAttribute('value');
	const post = await p.request.post(d.base + `/subdomains/myapp.${PARENT}/txt`, {
		form: { txt: txtValue(7), csrf }, maxRedirects: 0,
	});
	assert.equal(post.status(), 404);
	assert.deepEqual(d.txt(`_acme-challenge.myapp.${PARENT}`).values, [txtValue(2)]);
	r = await p.goto(d.base + '/admin');
	assert.equal(r.status(), 404, 'statistics are for staff only');
	await p.close();
});

test('instant subdomain for a visitor', async () => {
	const v = await bob.newPage();
	await v.context().clearCookies();
	await v.goto(d.base + '/');
	const st = await submit(v, 'form[action="/instant"]', {});
	assert.equal(st, 201);
	const c = JSON.parse(await v.locator('#creds-json').innerText());
	assert.match(c.fulldomain, new RegExp(`^[0-9a-f-]{36}\\.${PARENT.replace('.', '\\.')}$`));
	await shot(v, 'instant');
	const up = await fetch(d.base + '/update', {
		method: 'POST', headers: { 'X-Api-User': c.username, 'X-Api-Key': c.password },
		body: JSON.stringify({ subdomain: c.subdomain, txt: txtValue(5) }),
	});
	assert.equal(up.status, 200);
	assert.deepEqual(d.txt(`_acme-challenge.${c.fulldomain}`).values, [txtValue(5)]);
	await v.close();
});

test('staff statistics', async () => {
	const staff = await launchUser();
	const p = await staff.newPage();
	await p.goto(d.base + '/login');
	await submit(p, 'form[action="/login"]', { name: 'root', password: 'staff password 1' });
	const r = await p.goto(d.base + '/admin');
	assert.equal(r.status(), 200);
	const text = await p.locator('main').innerText();
	assert.match(text, /Accounts\s+3/);
	assert.match(text, /Named\s+5/);
	assert.match(text, /Keys created\s+\d+/);
	await shot(p, 'statistics');
	await staff.close();
});

test('sign-in is throttled per account with a clear message', async () => {
	d.ctl(['user-create', 'carol', '--password-stdin'], 'carol password 1\n');
	const p = await bob.newPage();
	await p.context().clearCookies();
	let st;
	for (let i = 0; i < 6; i++) {
		await p.goto(d.base + '/login');
		st = await submit(p, 'form[action="/login"]', { name: 'carol', password: `guess ${i} guess` });
	}
	assert.equal(st, 429);
	assert.match(await alertText(p), /Too many failed sign-ins for this account. Wait \d+ minutes?/);
	await shot(p, 'login-throttled');
	await p.close();
});

test('changing the password signs out every other session; then log out', async () => {
	const other = await launchUser();
	const o = await other.newPage();
	await o.goto(d.base + '/login');
	await submit(o, 'form[action="/login"]', { name: 'alice', password: PW });
	assert.equal(new URL(o.url()).pathname, '/subdomains');
	await page.goto(d.base + '/account');
	await shot(page, 'account');
	const st = await submit(page, 'form[action="/account"]', { current: PW, password: 'a new long password', password2: 'a new long password' });
	assert.equal(st, 200);
	assert.match(await alertText(page), /password is changed/);
	await shot(page, 'account-changed');
	const r = await o.goto(d.base + '/subdomains');
	assert.equal(new URL(r.url()).pathname, '/login', 'the other session is signed out');
	await other.close();
	// This session goes on, then logs out.
	await page.goto(d.base + '/subdomains');
	assert.equal(new URL(page.url()).pathname, '/subdomains');
	await Promise.all([page.waitForNavigation(), page.locator('form[action="/logout"] button').click()]);
	const after = await page.goto(d.base + '/subdomains');
	assert.equal(new URL(after.url()).pathname, '/login');
	await shot(page, 'logged-out');
	const r404 = await page.goto(d.base + '/no/such/page');
	assert.equal(r404.status(), 404);
	await shot(page, 'not-found');
});

test('delete a subdomain, with a confirmation; DNS stops answering for it', async () => {
	await page.goto(d.base + '/login');
	await submit(page, 'form[action="/login"]', { name: 'alice', password: 'a new long password' });
	assert.equal(d.txt('five.localcert.test').rcode, 0, 'five.localcert.test exists in DNS');
	await page.goto(d.base + '/subdomains/five.localcert.test');
	await Promise.all([page.waitForNavigation(), page.locator('a', { hasText: 'Delete this subdomain' }).click()]);
	assert.match(await page.locator('h1').innerText(), /Delete this subdomain/);
	await shot(page, 'subdomain-delete-confirm');
	await Promise.all([page.waitForNavigation(), page.locator('button.danger').click()]);
	assert.equal(new URL(page.url()).pathname, '/subdomains');
	assert.match(await alertText(page), /never given to anyone else/);
	assert.match(await page.locator('.count').innerText(), /4 of 5 used/);
	assert.equal(d.txt('five.localcert.test').rcode, 3, 'NXDOMAIN once deleted');
	await shot(page, 'subdomain-deleted');
	await page.goto(d.base + '/subdomains/new');
	const st = await submit(page, 'form[action="/subdomains/new"]', { label: 'five', parent: 'localcert.test' });
	assert.equal(st, 409, 'a deleted name is never given out again');
});

