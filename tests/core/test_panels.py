import pytest

from doorstep.core import panels


@pytest.fixture
def clean_registry(monkeypatch):
    monkeypatch.setattr(panels, "_PANELS", {})


def test_panels_are_grouped_ordered_and_can_opt_out(clean_registry, rf):
    panels.register_panel(slug="b", template="b.html", context=lambda r, res: {"n": 2}, order=20)
    panels.register_panel(slug="a", template="a.html", context=lambda r, res: {"n": 1}, order=10)
    panels.register_panel(slug="hidden", template="h.html", context=lambda r, res: None)
    panels.register_panel(
        slug="top", template="t.html", context=lambda r, res: {"who": res}, position="header"
    )
    grouped = panels.panels_for(rf.get("/"), "resident")
    assert [p.slug for p in grouped["main"]] == ["a", "b"]
    assert [p.context for p in grouped["header"]] == [{"who": "resident"}]
    assert grouped["side"] == []


def test_unknown_position_is_refused(clean_registry):
    with pytest.raises(ValueError, match="Unknown panel position"):
        panels.register_panel(slug="x", template="x.html", context=dict, position="footer")
