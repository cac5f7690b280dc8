"""The webhook tests deliver to a receiver on this machine's loopback, which the platform
refuses by default (feeds/service.refused_address): these tests allow it, as an operator
would with XINYONG_WEBHOOK_ALLOWED_NETWORKS."""

from __future__ import annotations

from ipaddress import ip_network

import pytest

from xinyong.settings import Settings


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={"webhook_allowed_networks": [ip_network("127.0.0.0/8"), ip_network("::1/128")]}
    )
