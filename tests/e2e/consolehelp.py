# SPDX-License-Identifier: MIT
# consolehelp.py -- a browser-like client for the web console: cookies, CSRF tokens, forms.
import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kw):
        return None


class Browser:
    """One browser user: a cookie jar; redirects are not followed (tests look at them)."""

    def __init__(self, daemon, host=None):
        self.d = daemon
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect)
        self.host = host
        self.csrf = None

    def request(self, method, path, form=None, headers=None, accept_html=True):
        hdrs = dict(headers or {})
        if accept_html:
            hdrs.setdefault("Accept", "text/html")
        if self.host:
            hdrs["Host"] = self.host
        data = None
        if form is not None:
            data = urllib.parse.urlencode(form).encode()
            hdrs["Content-Type"] = "application/x-www-form-urlencoded"
        req = urllib.request.Request(self.d.base + path, data=data, method=method, headers=hdrs)
        try:
            with self.opener.open(req, timeout=10) as r:
                st, h, body = r.status, r.headers, r.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as e:
            st, h, body = e.code, e.headers, e.read().decode("utf-8", "replace")
        m = re.search(r'name="csrf" value="([A-Za-z0-9_-]{43})"', body)
        if m:
            self.csrf = m.group(1)
        return st, h, body

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, form, csrf=True, **kw):
        form = dict(form)
        if csrf and "csrf" not in form:
            if self.csrf is None:
                self.get("/")
            form["csrf"] = self.csrf
        return self.request("POST", path, form=form, **kw)

    def signup(self, name, password="long enough password"):
        self.get("/signup")
        st, h, body = self.post("/signup", {"name": name, "password": password, "password2": password})
        assert st == 303, (st, body[:400])
        self.get("/subdomains")
        return st

    def login(self, name, password):
        self.get("/login")
        st, h, body = self.post("/login", {"name": name, "password": password})
        if st == 303:
            self.get("/subdomains")
        return st, body


def set_cookies(headers):
    """The Set-Cookie header values of a response, as a list."""
    return headers.get_all("Set-Cookie") or []
