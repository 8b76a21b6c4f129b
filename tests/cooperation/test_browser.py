"""The cooperation journey in Chromium, in Chinese: 杭州 staff create a project under
技能共同提升 with a milestone, 宁波 staff (partner) add a progress update, and the public
home page shows the new count."""

import datetime
import io
import re

import pytest
from django.utils import timezone
from PIL import Image

from tests.conftest import DEMO_PASSWORD as PASSWORD
from tests.test_browser import SHOTS, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(browser, live_server, username):
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/")
    return page


def skills_projects(page, live_server):
    page.goto(f"{live_server.url}/")
    card = page.locator("#common-skills")
    assert "技能共同提升" in card.inner_text()
    return int(card.locator('[data-figure="projects"]').inner_text())


def test_project_journey(browser, live_server, demo, tmp_path):
    errors = []
    public = browser.new_page(locale="zh-CN")
    before = skills_projects(public, live_server)

    # 杭州 staff create the project and its first milestone
    hz = sign_in(browser, live_server, "hz-staff")
    hz.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    hz.get_by_role("link", name="项目", exact=True).click()
    shot(hz, "cooperation-projects-zh")
    hz.get_by_role("link", name="新增项目").click()
    hz.locator("#id_pillar").select_option(label="技能共同提升")
    hz.locator("#id_title").fill("杭甬焊工技能联合比武")
    hz.locator("#id_description").fill("两地焊工同台竞技，获奖选手技术能手称号两市互认。")
    hz.get_by_label("宁波市总工会").check()
    hz.locator("#id_department").fill("经济技术部")
    today = timezone.localdate()
    hz.locator("#id_planned_start").fill(today.isoformat())
    hz.locator("#id_planned_end").fill((today + datetime.timedelta(days=200)).isoformat())
    hz.locator("#id_target_beneficiaries").fill("600")
    hz.locator("#id_is_public").check()
    hz.get_by_role("button", name="保存").click()
    assert hz.get_by_role("heading", name="杭甬焊工技能联合比武", level=1).is_visible()
    project_url = hz.url
    hz.locator("#id_milestone-title").fill("两地初赛")
    hz.locator("#id_milestone-due_on").fill((today + datetime.timedelta(days=60)).isoformat())
    hz.get_by_role("button", name="添加节点").click()
    assert hz.get_by_text("节点已添加。").is_visible()
    assert hz.locator(".portal-timeline").get_by_text("两地初赛").is_visible()

    # 宁波 staff, a partner, add a progress update with a photo
    nb = sign_in(browser, live_server, "nb-staff")
    nb.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    nb.goto(project_url)
    assert nb.get_by_role("link", name="编辑", exact=True).count() == 0  # partners do not edit
    photo = tmp_path / "现场.png"
    buffer = io.BytesIO()
    Image.new("RGB", (120, 80), (200, 40, 40)).save(buffer, format="PNG")
    photo.write_bytes(buffer.getvalue())
    nb.locator("#id_update-text").fill("宁波方面已完成选手报名，共 48 名焊工报名参赛。")
    nb.locator("#id_update-is_public").check()
    nb.locator("#id_update-files").set_input_files(str(photo))
    nb.get_by_role("button", name="提交动态").click()
    assert nb.get_by_text("进展动态已添加。").is_visible()
    timeline = nb.locator(".portal-timeline")
    assert timeline.get_by_text("共 48 名焊工报名参赛").is_visible()
    thumb = timeline.locator("img.portal-thumb")
    # The thumbnail is a second request: on a busy machine it may still be on its way.
    thumb.evaluate("img => img.complete || new Promise(done => img.addEventListener('load', done))")
    assert thumb.evaluate("img => img.naturalWidth") == 120

    # the lead sees the partner's update on its page
    hz.goto(project_url)
    assert hz.locator(".portal-timeline").get_by_text("共 48 名焊工报名参赛").is_visible()
    shot(hz, "cooperation-project-detail-zh")

    # the public home page counts the new project and shows the public update
    assert skills_projects(public, live_server) == before + 1
    assert public.get_by_text("杭甬焊工技能联合比武").first.is_visible()
    shot(public, "cooperation-home-zh")
    public.goto(project_url)
    assert public.get_by_role("heading", name="杭甬焊工技能联合比武", level=1).is_visible()
    assert public.locator("#id_update-text").count() == 0  # the public page, no forms
    assert not [e for e in errors if "Content Security Policy" in e], errors
    assert re.search(r"/projects/\d+/$", project_url)
    assert SHOTS.exists()
