// SPDX-License-Identifier: MIT
// harness.mjs -- start the real localcertd on free loopback ports with a temporary
// data directory, drive Debian's chromium through playwright-core, save screenshots.
import { spawn, execFileSync } from 'node:child_process';
import dgram from 'node:dgram';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
export const root = path.resolve(here, '../..');
export const LOCALCERTD = process.env.LOCALCERTD || path.join(root, 'build/localcertd');
export const LOCALCERTCTL = process.env.LOCALCERTCTL || path.join(root, 'build/localcertctl');
export const OUT = path.join(root, 'tests/out/browser');

/** A port free for both TCP and UDP on 127.0.0.1. */
export async function freePort() {
	for (let i = 0; i < 50; i++) {
		const port = await new Promise((resolve, reject) => {
			const s = net.createServer();
			s.once('error', reject);
			s.listen(0, '127.0.0.1', () => {
				const p = s.address().port;
				s.close(() => resolve(p));
			});
		});
		const udpFree = await new Promise((resolve) => {
			const u = dgram.createSocket('udp4');
			u.once('error', () => resolve(false));
			u.bind(port, '127.0.0.1', () => u.close(() => resolve(true)));
		});
		if (udpFree) {
			return port;
		}
	}
	throw new Error('no free port');
}

/** One localcertd process with its own data directory. */
export class Daemon {
	constructor(config = '') {
		this.tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lc-browser-'));
		this.data = path.join(this.tmp, 'data');
		this.config = config;
	}

	async start() {
		this.dnsPort = await freePort();
		this.httpPort = await freePort();
		this.base = `http://127.0.0.1:${this.httpPort}`;
		const conf = path.join(this.tmp, 'localcert.ini');
		fs.writeFileSync(conf, this.config);
		this.logPath = path.join(this.tmp, 'localcertd.log');
		const log = fs.openSync(this.logPath, 'a');
		this.proc = spawn(LOCALCERTD, ['--config', conf, '--data', this.data,
			'--dns', `127.0.0.1:${this.dnsPort}`, '--http', `127.0.0.1:${this.httpPort}`],
			{ stdio: ['ignore', log, log] });
		this.exited = new Promise((resolve) => this.proc.once('exit', (code) => resolve(code)));
		const deadline = Date.now() + 10000;
		while (Date.now() < deadline) {
			try {
				const r = await fetch(`${this.base}/health`);
				if (r.status === 200) {
					return this;
				}
			} catch {
				// not listening yet
			}
			if (this.proc.exitCode !== null) {
				break;
			}
			await new Promise((r) => setTimeout(r, 50));
		}
		throw new Error(`localcertd did not start:\n${this.logText()}`);
	}

	logText() {
		try {
			return fs.readFileSync(this.logPath, 'utf8');
		} catch {
			return '';
		}
	}

	/** localcertctl on this daemon's data directory; input goes to its stdin. */
	ctl(args, input) {
		return execFileSync(LOCALCERTCTL, ['--data', this.data, ...args],
			{ input: input ?? '', encoding: 'utf8' });
	}

	/** The TXT strings at a name, asked over UDP with dnspython (authoritative answer). */
	txt(name) {
		const py = [
			'import sys, dns.message, dns.query, dns.rdatatype',
			'q = dns.message.make_query(sys.argv[1], "TXT")',
			'r = dns.query.udp(q, "127.0.0.1", port=int(sys.argv[2]), timeout=2)',
			'print(r.rcode())',
			'for rr in r.answer:',
			'    for d in rr:',
			'        print(b"".join(d.strings).decode())',
		].join('\n');
		const out = execFileSync('/usr/bin/python3', ['-c', py, name, String(this.dnsPort)],
			{ encoding: 'utf8' }).trim().split('\n');
		return { rcode: Number(out[0]), values: out.slice(1) };
	}

	async stop() {
		if (this.proc && this.proc.exitCode === null) {
			this.proc.kill('SIGTERM'); // by our own child's PID
			const t = setTimeout(() => this.proc.kill('SIGKILL'), 10000);
			await this.exited;
			clearTimeout(t);
		}
		if (!process.env.BROWSER_KEEP) {
			fs.rmSync(this.tmp, { recursive: true, force: true });
		}
	}
}

/**
 * Headless chromium with a fresh profile (--user-data-dir in a new temporary
 * directory): one browser user with its own cookies. Close it when done.
 */
export async function launchUser() {
	const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'lc-chromium-'));
	const ctx = await chromium.launchPersistentContext(profile, {
		executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
		headless: true,
		viewport: { width: 1100, height: 800 },
		acceptDownloads: true,
		args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
			'--disable-background-networking', '--disable-component-update', '--disable-sync'],
	});
	const close = ctx.close.bind(ctx);
	ctx.close = async () => {
		await close();
		fs.rmSync(profile, { recursive: true, force: true });
	};
	return ctx;
}

let shotNo = 0;
/** Save a full-page screenshot as tests/out/browser/NN-name.png. */
export async function shot(page, name) {
	fs.mkdirSync(OUT, { recursive: true });
	shotNo++;
	const file = path.join(OUT, `${String(shotNo).padStart(2, '0')}-${name}.png`);
	await page.screenshot({ path: file, fullPage: true });
	return file;
}

/** A valid challenge value: 43 characters of base64url. */
export function txtValue(seed) {
	return Buffer.from(Array.from({ length: 32 }, (_, i) => (seed * 31 + i * 7) & 255))
		.toString('base64url');
}
