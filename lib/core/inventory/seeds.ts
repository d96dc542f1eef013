import type { ManufacturerInfo, PlatformInfo, RoleInfo } from "./types";

/**
 * Seed data written by `Inventory.init()`. The first 8 manufacturers, 13 platforms and 12 roles
 * are VelocityCollector's own seeds (same names, slugs, netmiko types, paging commands and
 * colours), so a DCIM initialised here looks like one initialised by `vcollector init` there.
 * The rest are the other platforms VelocityCollector's editor offers plus the ones the device
 * lab simulates (aruba_aoscx, linux).
 */
export const DEFAULT_MANUFACTURERS: ManufacturerInfo[] = [
  { name: "Cisco", slug: "cisco" },
  { name: "Arista", slug: "arista" },
  { name: "Juniper", slug: "juniper" },
  { name: "Palo Alto", slug: "palo-alto" },
  { name: "Fortinet", slug: "fortinet" },
  { name: "F5", slug: "f5" },
  { name: "HP", slug: "hp" },
  { name: "Dell", slug: "dell" },
  { name: "Aruba", slug: "aruba" },
  { name: "Brocade", slug: "brocade" },
  { name: "Extreme Networks", slug: "extreme" },
  { name: "Check Point", slug: "check-point" },
];

const p = (
  name: string,
  slug: string,
  manufacturer: string | undefined,
  netmikoDeviceType: string,
  pagingDisableCommand?: string,
): PlatformInfo => ({ name, slug, manufacturer, netmikoDeviceType, pagingDisableCommand });

export const DEFAULT_PLATFORMS: PlatformInfo[] = [
  p("Cisco IOS", "cisco_ios", "cisco", "cisco_ios", "terminal length 0"),
  p("Cisco IOS-XE", "cisco_ios_xe", "cisco", "cisco_xe", "terminal length 0"),
  p("Cisco IOS-XR", "cisco_ios_xr", "cisco", "cisco_xr", "terminal length 0"),
  p("Cisco NX-OS", "cisco_nxos", "cisco", "cisco_nxos", "terminal length 0"),
  p("Cisco ASA", "cisco_asa", "cisco", "cisco_asa", "terminal pager 0"),
  p("Arista EOS", "arista_eos", "arista", "arista_eos", "terminal length 0"),
  p("Juniper Junos", "juniper_junos", "juniper", "juniper_junos", "set cli screen-length 0"),
  p("Palo Alto PAN-OS", "paloalto_panos", "palo-alto", "paloalto_panos", "set cli pager off"),
  p("Fortinet FortiOS", "fortinet_fortios", "fortinet", "fortinet", "config system console\nset output standard\nend"),
  p("F5 TMOS", "f5_tmos", "f5", "f5_tmsh", "modify cli preference pager disabled"),
  p("HP ProCurve", "hp_procurve", "hp", "hp_procurve", "no page"),
  p("HP Comware", "hp_comware", "hp", "hp_comware", "screen-length disable"),
  p("Dell OS10", "dell_os10", "dell", "dell_os10", "terminal length 0"),
  p("Aruba AOS-CX", "aruba_aoscx", "aruba", "aruba_aoscx", "no page"),
  p("Dell Force10", "dell_force10", "dell", "dell_force10", "terminal length 0"),
  p("Brocade FastIron", "brocade_fastiron", "brocade", "brocade_fastiron", "skip-page-display"),
  p("Brocade NetIron", "brocade_netiron", "brocade", "brocade_netiron", "terminal length 0"),
  p("Extreme EXOS", "extreme_exos", "extreme", "extreme_exos", "disable clipaging"),
  p("Check Point Gaia", "checkpoint_gaia", "check-point", "checkpoint_gaia", "set clienv rows 0"),
  p("Linux", "linux", undefined, "linux"),
  p("Generic terminal server", "generic_termserver", undefined, "generic_termserver"),
];

export const DEFAULT_ROLES: RoleInfo[] = [
  { name: "Router", slug: "router", color: "3498db" },
  { name: "Switch", slug: "switch", color: "2ecc71" },
  { name: "Firewall", slug: "firewall", color: "e74c3c" },
  { name: "Load Balancer", slug: "load-balancer", color: "9b59b6" },
  { name: "Wireless Controller", slug: "wireless-controller", color: "f39c12" },
  { name: "Access Point", slug: "access-point", color: "1abc9c" },
  { name: "Spine", slug: "spine", color: "3498db" },
  { name: "Leaf", slug: "leaf", color: "2ecc71" },
  { name: "Core", slug: "core", color: "e67e22" },
  { name: "Distribution", slug: "distribution", color: "f1c40f" },
  { name: "Access", slug: "access", color: "27ae60" },
  { name: "Edge", slug: "edge", color: "9b59b6" },
];

/** NetBox platform slugs commonly seen in the wild → ntc/netmiko platform names (editable per client). */
export const DEFAULT_NETBOX_PLATFORM_MAP: Record<string, string> = {
  ios: "cisco_ios",
  "cisco-ios": "cisco_ios",
  iosxe: "cisco_xe",
  "ios-xe": "cisco_xe",
  "cisco-ios-xe": "cisco_xe",
  iosxr: "cisco_xr",
  "ios-xr": "cisco_xr",
  "cisco-ios-xr": "cisco_xr",
  nxos: "cisco_nxos",
  "nx-os": "cisco_nxos",
  "cisco-nx-os": "cisco_nxos",
  "cisco-nxos": "cisco_nxos",
  asa: "cisco_asa",
  "cisco-asa": "cisco_asa",
  eos: "arista_eos",
  "arista-eos": "arista_eos",
  junos: "juniper_junos",
  "juniper-junos": "juniper_junos",
  panos: "paloalto_panos",
  "pan-os": "paloalto_panos",
  "paloalto-panos": "paloalto_panos",
  fortios: "fortinet",
  "fortinet-fortios": "fortinet",
  "aos-cx": "aruba_aoscx",
  aoscx: "aruba_aoscx",
  "aruba-aoscx": "aruba_aoscx",
  procurve: "hp_procurve",
  "hp-procurve": "hp_procurve",
  comware: "hp_comware",
  "hp-comware": "hp_comware",
  os10: "dell_os10",
  "dell-os10": "dell_os10",
  tmos: "f5_tmsh",
  "f5-tmos": "f5_tmsh",
  exos: "extreme_exos",
  gaia: "checkpoint_gaia",
  linux: "linux",
};
