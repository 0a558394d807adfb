"""Which of this computer's addresses the room's phones are sent to."""

from __future__ import annotations

import ifaddr

from app.lan import LanAddress, lan_addresses


def adapter(name: str, *ips: str) -> ifaddr.Adapter:
    return ifaddr.Adapter(name, name, [ifaddr.IP(ip, 24, name) for ip in ips])


def test_lan_addresses_put_the_wifi_range_first_and_skip_what_phones_cant_reach():
    adapters = [
        adapter("lo", "127.0.0.1"),
        adapter("eth0", "203.0.113.7"),  # reachable, but not the venue's own range
        adapter("docker0", "172.17.0.1"),  # a container bridge on this computer
        adapter("veth12ab", "10.88.0.1"),
        adapter("wlan0", "192.168.1.20", "169.254.10.1"),  # the wifi, and a link-local fallback
    ]

    assert lan_addresses(adapters) == [LanAddress("wlan0", "192.168.1.20"), LanAddress("eth0", "203.0.113.7")]


def test_lan_addresses_ignore_ipv6():
    v6 = ifaddr.Adapter("wlan0", "wlan0", [ifaddr.IP(("fd00::2", 0, 0), 64, "wlan0")])

    assert lan_addresses([v6]) == []


def test_lan_address_private_ranges():
    assert [LanAddress("x", ip).is_private for ip in ("10.1.2.3", "172.20.0.5", "192.168.0.9", "172.32.0.1")] == [
        True,
        True,
        True,
        False,
    ]
