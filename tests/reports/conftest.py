from tests.web.case.conftest import demo_cases, frozen

__all__ = ["demo_cases", "frozen"]
