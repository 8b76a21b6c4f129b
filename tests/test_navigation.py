"""The header every page shares (members/templatetags/portal_chrome.py builds it): the menu each
role opens, the entry of the page's section marked active, the account menu and the language
switch, in both languages."""

from html.parser import HTMLParser

import pytest
from django.templatetags.static import static
from django.test import override_settings
from django.urls import clear_script_prefix, reverse, set_script_prefix

pytestmark = pytest.mark.django_db

LABELS = {
    "en": {
        "home": "Home",
        "sanatoriums": "Sanatoriums",
        "competitions": "Competitions",
        "projects": "Projects",
        "liaison": "Liaison",
        "referrals": "Referrals",
        "dashboard": "Dashboard",
        "members": "Members",
        "inbox": "Inbox",
        "password": "Change password",
        "administration": "Administration",
        "sign_in": "Sign in",
        "sign_out": "Sign out",
        "other_language": "简体中文",
    },
    "zh-hans": {
        "home": "首页",
        "sanatoriums": "疗休养基地",
        "competitions": "技能竞赛",
        "projects": "项目",
        "liaison": "对接",
        "referrals": "维权协作",
        "dashboard": "驾驶舱",
        "members": "会员",
        "inbox": "消息中心",
        "password": "修改密码",
        "administration": "系统管理",
        "sign_in": "登录",
        "sign_out": "退出登录",
        "other_language": "English",
    },
}

PUBLIC_MENU = [
    ("home", "/"),
    ("sanatoriums", "/sanatoriums/"),
    ("competitions", "/competitions/"),
]
STAFF_MENU = [
    ("home", "/"),
    ("sanatoriums", "/sanatoriums/manage/"),
    ("competitions", "/competitions/"),
    ("projects", "/projects/"),
    ("liaison", "/liaison/"),
    ("referrals", "/rights/referrals/"),
    ("dashboard", "/dashboard/"),
    ("members", "/members/"),
]
#: fixture → (its menu, does it see the admin link)
ROLES = {
    "anonymous": (PUBLIC_MENU, False),
    "hz_staff": (STAFF_MENU, True),
    "hz_approver": (STAFF_MENU, True),
    "hz_leader": (STAFF_MENU, False),
    "hz_judge": (PUBLIC_MENU, False),
    "superuser": (STAFF_MENU, True),
}


class _Header(HTMLParser):
    """The links, forms and buttons inside the page's <header>."""

    def __init__(self):
        super().__init__()
        self.depth = 0  # inside <header> while > 0
        self.links = []  # [classes, href, text]
        self.forms = []  # [action, [input/button attributes]]
        self._link = None
        self._form = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "header":
            self.depth += 1
        if not self.depth:
            return
        if tag == "a":
            self._link = [attrs.get("class", "").split(), attrs.get("href"), ""]
            self.links.append(self._link)
        elif tag == "form":
            self._form = [attrs.get("action"), []]
            self.forms.append(self._form)
        elif tag in ("input", "button") and self._form:
            self._form[1].append(attrs)

    def handle_endtag(self, tag):
        if tag == "header":
            self.depth -= 1
        elif tag == "a":
            self._link = None
        elif tag == "form":
            self._form = None

    def handle_data(self, data):
        if self._link is not None:
            self._link[2] += data


def header(response):
    parser = _Header()
    parser.feed(response.text)
    return parser


def menu(parsed):
    """(href, text, active) of the main menu's entries, in order."""
    return [
        (href, " ".join(text.split()), "active" in classes)
        for classes, href, text in parsed.links
        if classes == ["nav-link"] or classes == ["nav-link", "active"]
        if href != "#"
    ]


def _user(request, role):
    if role == "anonymous":
        return None
    user = request.getfixturevalue(role)
    if role in ("hz_staff", "hz_approver"):
        # As the demo data has them: the federations' staff work in the admin too.
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    return user


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("role", list(ROLES))
def test_each_role_sees_its_menu_with_its_section_active(client, request, role, language):
    entries, sees_admin = ROLES[role]
    user = _user(request, role)
    if user:
        client.force_login(user)
    labels = LABELS[language]
    inbox = reverse("inbox:list")
    pages = [(href, key) for key, href in entries]
    if role in ("hz_staff", "hz_approver", "superuser", "hz_leader"):
        pages.append((reverse("cooperation:venues"), "projects"))
    pages.append((inbox, "inbox") if user else (reverse("login"), None))
    if user:
        pages.append((reverse("password_change_done"), None))

    for page, active_key in pages:
        response = client.get(page, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200, page
        parsed = header(response)
        shown = menu(parsed)
        account = shown[len(entries) :]
        assert shown[: len(entries)] == [
            (href, labels[key], key == active_key) for key, href in entries
        ], page
        if user:
            # The inbox (its word twice: the phone's menu and the screen reader's).
            assert account == [
                (inbox, f"{labels['inbox']}{labels['inbox']}", active_key == "inbox")
            ]
            items = [
                (href, text) for classes, href, text in parsed.links if "dropdown-item" in classes
            ]
            expected = [(reverse("password_change"), labels["password"])]
            if sees_admin:
                expected.insert(0, (reverse("admin:index"), labels["administration"]))
            assert items == expected, page
            assert str(user) in response.text
            logout = next(form for form in parsed.forms if form[0] == reverse("logout"))
            assert logout[1][0]["name"] == "csrfmiddlewaretoken" and logout[1][0]["value"]
            assert logout[1][1]["type"] == "submit"
        else:
            assert account == [(reverse("login"), labels["sign_in"], False)]
            assert not [form for form in parsed.forms if form[0] == reverse("logout")]

        switch = next(form for form in parsed.forms if form[0] == reverse("set_language"))
        other = "en" if language == "zh-hans" else "zh-hans"
        assert switch[1] == [
            {"type": "hidden", "name": "next", "value": page},
            {
                "type": "submit",
                "name": "language",
                "value": other,
                "lang": other,
                "class": "btn btn-sm btn-outline-light text-nowrap",
            },
        ], page
        assert labels["other_language"] in response.text


def test_language_switch_returns_to_the_full_address_escaped(client):
    response = client.get("/competitions/", {"q": '"><b>', "page": "2"})
    switch = next(form for form in header(response).forms if form[0] == reverse("set_language"))
    assert switch[1][0]["value"] == "/competitions/?q=%22%3E%3Cb%3E&page=2"
    assert "<b>" not in response.text.split("</header>")[0]


def test_addresses_follow_the_script_prefix(client):
    """The menu's addresses are reversed once per process, but per script prefix: a portal
    served under /portal/ links there."""
    assert ("/", "首页", True) in menu(header(client.get("/")))
    # What the WSGI handler does for a request under SCRIPT_NAME (the test client does not).
    set_script_prefix("/portal/")
    try:
        response = client.get("/")
    finally:
        clear_script_prefix()
    assert menu(header(response))[:2] == [
        ("/portal/", "首页", True),
        ("/portal/sanatoriums/", "疗休养基地", False),
    ]
    assert ("/", "首页", True) in menu(header(client.get("/")))


def test_static_files_follow_the_settings(client):
    """Static files' addresses are looked up once, and again when the settings change."""
    assert f'href="{static("css/portal.css")}"' in client.get("/").text
    with override_settings(STATIC_URL="/assets/"):
        text = client.get("/").text
        assert 'href="/assets/css/portal.css"' in text
        assert 'content="http://testserver/assets/icons/share.png"' in text
    assert 'href="/assets/' not in client.get("/").text
