"""This machine's address on the venue's network: what phones in the room can reach, for the links and the QR code.

`hallway serve --lan` (or `make run HOST=0.0.0.0`) listens on every interface; the links it prints and the
join QR code on the board must then name an address a phone on the same wifi can open, not 127.0.0.1.
The interfaces are read with ifaddr (no packet is sent to find out).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass

import ifaddr

# Interfaces of containers, VMs and tunnels: their addresses are not reachable from a phone on the wifi.
VIRTUAL_PREFIXES = ("docker", "br-", "veth", "virbr", "vboxnet", "vmnet", "lxc", "lxd", "podman", "cni", "flannel")


@dataclass(frozen=True)
class LanAddress:
    interface: str
    ip: str

    @property
    def is_private(self) -> bool:
        """A home or venue network's own range (10/8, 172.16/12, 192.168/16): the likeliest wifi address."""
        return any(ipaddress.ip_address(self.ip) in net for net in _PRIVATE)


_PRIVATE = [ipaddress.ip_network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")]


def lan_addresses(adapters: Iterable[ifaddr.Adapter] | None = None) -> list[LanAddress]:
    """IPv4 addresses other machines may reach this one at, the likeliest first: a private range
    (what venue wifi hands out), then any other; never loopback, link-local or a virtual bridge."""
    found = []
    for adapter in ifaddr.get_adapters() if adapters is None else adapters:
        if adapter.name.startswith(VIRTUAL_PREFIXES):
            continue
        for ip in adapter.ips:
            if not ip.is_IPv4 or not isinstance(ip.ip, str):
                continue
            address = ipaddress.IPv4Address(ip.ip)
            if address.is_loopback or address.is_link_local or address.is_unspecified:
                continue
            found.append(LanAddress(interface=adapter.nice_name or adapter.name, ip=ip.ip))
    return sorted(found, key=lambda each: not each.is_private)  # stable: the system's order within each kind
