/**
 * Hand-written domain vocabulary for the demo data generator: the words the reference
 * audit-log pages use (Juniper CSO, Junos Space, CA API Portal, HP VAN SDN) plus the
 * names an operator of such a network would see every day. Data only; no logic.
 */

export const APP_CSO = 'CSO';
export const APP_SPACE = 'Junos Space Network Management Platform';
export const APP_REST = 'REST';
export const APP_SAD = 'Services Activation Director';
export const APP_PORTAL = 'Portal';
export const APP_SDN = 'SDN Controller';

/** Audit-log tenants after 'default'; more than this get a numeric suffix. */
export const TENANT_NAMES = [
  'acme-corp',
  'globex',
  'initech',
  'umbrella',
  'hooli',
  'stark-industries',
  'wayne-enterprises',
  'cyberdyne',
  'tyrell',
  'soylent',
  'wonka-industries',
  'vandelay',
  'massive-dynamic',
  'oscorp',
  'aperture-science',
  'pied-piper',
  'dunder-mifflin',
  'black-mesa',
  'weyland-yutani',
  'nakatomi',
  'sterling-cooper',
  'virtucon',
  'bluth-company',
  'prestige-worldwide',
  'monarch-solutions',
  'gekko-partners',
  'rekall',
  'omni-consumer',
  'blue-sun',
  'spacely-sprockets',
] as const;

/** Customers an operator onboards in CSO (objects of tenant.create, not audit tenants). */
export const CUSTOMER_NAMES = [
  'northwind-traders',
  'contoso-retail',
  'fabrikam',
  'tailspin-toys',
  'wide-world-importers',
  'adventure-works',
  'litware',
  'proseware',
  'woodgrove-bank',
  'fourth-coffee',
  'alpine-ski-house',
  'coho-winery',
  'margies-travel',
  'lucerne-publishing',
  'trey-research',
  'humongous-insurance',
  'blue-yonder-airlines',
  'southridge-video',
  'consolidated-messenger',
  'city-power-light',
  'relecloud',
  'bellows-college',
] as const;

/** IATA-style city codes for site names (`site-nyc-01`). */
export const CITY_CODES = [
  'nyc',
  'sfo',
  'chi',
  'dal',
  'atl',
  'sea',
  'bos',
  'den',
  'lax',
  'mia',
  'tor',
  'mex',
  'sao',
  'lon',
  'par',
  'fra',
  'ams',
  'mad',
  'mil',
  'sto',
  'waw',
  'dub',
  'zrh',
  'dxb',
  'jnb',
  'bom',
  'blr',
  'sin',
  'hkg',
  'tyo',
  'syd',
  'mel',
  'icn',
  'sha',
  'ash',
  'phx',
] as const;

export type NetKind = 'corp' | 'dc' | 'home' | 'v6' | 'none';

export interface UserSpec {
  name: string;
  /** Where the home address comes from; 'none' for services that record no client IP. */
  net: NetKind;
  /** The first tenant's address, when the reference pages name one. */
  fixedIp?: string;
  browser: number;
  tool: number;
  domain: string;
  /** Signs in through a UI or an API session (and so records Login/Logout). */
  interactive: boolean;
}

export const BROWSER_AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Safari/605.1.15',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0',
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/123.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.80',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  'Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:124.0) Gecko/20100101 Firefox/124.0',
] as const;

export const TOOL_AGENTS = [
  'python-requests/2.31.0',
  'curl/8.5.0',
  'Apache-HttpClient/4.5.14 (Java/17.0.10)',
  'Go-http-client/1.1',
  'ansible-httpget',
  'PostmanRuntime/7.37.3',
  'Terraform/1.7.5 (+https://www.terraform.io)',
  'Python-urllib/3.11',
  'okhttp/4.12.0',
] as const;

export const GATEWAY_AGENT = 'CA API Gateway';

export const DOMAINS = ['Global', 'EMEA', 'APAC', 'Americas', 'Lab'] as const;

/** Everyone who appears in the logs; the per-application lists below rank them. */
export const USERS: readonly UserSpec[] = [
  {
    name: 'super',
    net: 'corp',
    fixedIp: '172.16.100.2',
    browser: 0,
    tool: 0,
    domain: 'Global',
    interactive: true,
  },
  { name: 'admin', net: 'corp', browser: 2, tool: 1, domain: 'Global', interactive: true },
  { name: 'john.doe', net: 'corp', browser: 1, tool: 0, domain: 'Global', interactive: true },
  { name: 'jane.smith', net: 'home', browser: 5, tool: 5, domain: 'Americas', interactive: true },
  { name: 'netops', net: 'dc', browser: 3, tool: 4, domain: 'Global', interactive: true },
  { name: 'a.kumar', net: 'corp', browser: 0, tool: 0, domain: 'APAC', interactive: true },
  { name: 'm.garcia', net: 'home', browser: 4, tool: 1, domain: 'EMEA', interactive: true },
  { name: 'l.chen', net: 'v6', browser: 1, tool: 0, domain: 'APAC', interactive: true },
  { name: 'noc-operator', net: 'dc', browser: 3, tool: 1, domain: 'Global', interactive: true },
  { name: 'noc-tier2', net: 'dc', browser: 0, tool: 1, domain: 'Global', interactive: true },
  { name: 'p.novak', net: 'home', browser: 2, tool: 7, domain: 'EMEA', interactive: true },
  { name: 's.tanaka', net: 'v6', browser: 5, tool: 0, domain: 'APAC', interactive: true },
  { name: 'k.muller', net: 'corp', browser: 6, tool: 1, domain: 'EMEA', interactive: true },
  { name: 'r.silva', net: 'home', browser: 0, tool: 0, domain: 'Americas', interactive: true },
  { name: 'e.rossi', net: 'corp', browser: 4, tool: 0, domain: 'EMEA', interactive: true },
  { name: 'o.okafor', net: 'home', browser: 1, tool: 5, domain: 'EMEA', interactive: true },
  { name: 'h.kim', net: 'v6', browser: 0, tool: 0, domain: 'APAC', interactive: true },
  { name: 'j.nguyen', net: 'corp', browser: 5, tool: 1, domain: 'Americas', interactive: true },
  { name: 'f.dubois', net: 'home', browser: 2, tool: 0, domain: 'EMEA', interactive: true },
  { name: 'n.petrov', net: 'corp', browser: 3, tool: 2, domain: 'Lab', interactive: true },
  { name: 'auditor', net: 'corp', browser: 1, tool: 0, domain: 'Global', interactive: true },
  { name: 'secops', net: 'dc', browser: 0, tool: 0, domain: 'Global', interactive: true },
  { name: 'cspadmin', net: 'corp', browser: 0, tool: 0, domain: 'Global', interactive: true },
  { name: 'service-desk', net: 'corp', browser: 4, tool: 0, domain: 'Americas', interactive: true },
  { name: 'rest-automation', net: 'dc', browser: 0, tool: 0, domain: 'Global', interactive: true },
  { name: 'ansible', net: 'dc', browser: 0, tool: 4, domain: 'Global', interactive: true },
  { name: 'svc-orchestrator', net: 'dc', browser: 0, tool: 2, domain: 'Global', interactive: true },
  { name: 'nms-poller', net: 'dc', browser: 0, tool: 3, domain: 'Global', interactive: true },
  { name: 'terraform', net: 'dc', browser: 0, tool: 6, domain: 'Lab', interactive: true },
  { name: 'sdn', net: 'dc', browser: 3, tool: 1, domain: 'Global', interactive: true },
  { name: 'sdn-ops', net: 'corp', browser: 0, tool: 0, domain: 'Global', interactive: true },
  { name: 'portal-admin', net: 'corp', browser: 0, tool: 0, domain: 'Global', interactive: true },
  { name: 'apim.owner', net: 'home', browser: 1, tool: 0, domain: 'Global', interactive: true },
  { name: 'd.wright', net: 'home', browser: 2, tool: 0, domain: 'Americas', interactive: true },
  { name: 'c.lopez', net: 'v6', browser: 5, tool: 0, domain: 'Americas', interactive: true },
  { name: 'b.ahmed', net: 'home', browser: 6, tool: 0, domain: 'EMEA', interactive: true },
  { name: 'Portal API', net: 'dc', browser: 0, tool: 0, domain: 'Global', interactive: false },
  {
    name: 'Registration Service',
    net: 'none',
    browser: 0,
    tool: 0,
    domain: 'Global',
    interactive: false,
  },
  { name: 'system', net: 'none', browser: 0, tool: 0, domain: 'Global', interactive: false },
];

/** Each application's users, most active first (the generator gives them Zipf weights). */
export const APP_USERS: Record<string, readonly string[]> = {
  [APP_SPACE]: [
    'super',
    'john.doe',
    'netops',
    'a.kumar',
    'm.garcia',
    'l.chen',
    'noc-operator',
    'jane.smith',
    'p.novak',
    's.tanaka',
    'admin',
    'k.muller',
    'noc-tier2',
    'auditor',
    'r.silva',
    'secops',
    'e.rossi',
  ],
  [APP_CSO]: [
    'cspadmin',
    'admin',
    'jane.smith',
    'o.okafor',
    'h.kim',
    'j.nguyen',
    'f.dubois',
    'm.garcia',
    'noc-tier2',
    'e.rossi',
  ],
  [APP_REST]: [
    'super',
    'rest-automation',
    'ansible',
    'svc-orchestrator',
    'nms-poller',
    'netops',
    'john.doe',
    'terraform',
  ],
  [APP_SAD]: ['super', 'n.petrov', 'service-desk', 'john.doe', 'o.okafor', 'a.kumar'],
  [APP_PORTAL]: [
    'Portal API',
    'portal-admin',
    'Registration Service',
    'apim.owner',
    'jane.smith',
    'd.wright',
    'c.lopez',
    'b.ahmed',
  ],
  [APP_SDN]: ['sdn', 'sdn-ops', 'admin', 'john.doe'],
};

export interface DeviceFamily {
  prefix: string;
  model: string;
  weight: number;
  versions: readonly string[];
  /** Install image file names, one per version above. */
  images: readonly string[];
}

export const DEVICE_FAMILIES: readonly DeviceFamily[] = [
  {
    prefix: 'srx-branch',
    model: 'SRX345',
    weight: 30,
    versions: ['21.4R3-S5.4', '22.4R2.8', '23.2R1-S2.5'],
    images: [
      'junos-srxsme-21.4R3-S5.4-domestic.tgz',
      'junos-srxsme-22.4R2.8-domestic.tgz',
      'junos-srxsme-23.2R1-S2.5-domestic.tgz',
    ],
  },
  {
    prefix: 'srx-dc',
    model: 'SRX4600',
    weight: 4,
    versions: ['21.4R3-S5.4', '22.4R3.25'],
    images: [
      'junos-install-srxentedge-x86-64-21.4R3-S5.4.tgz',
      'junos-install-srxentedge-x86-64-22.4R3.25.tgz',
    ],
  },
  {
    prefix: 'mx-core',
    model: 'MX480',
    weight: 4,
    versions: ['21.2R3-S4.8', '22.4R3.25'],
    images: [
      'jinstall-host-mx-x86-64-21.2R3-S4.8-secure-signed.tgz',
      'jinstall-host-mx-x86-64-22.4R3.25-secure-signed.tgz',
    ],
  },
  {
    prefix: 'mx-edge',
    model: 'MX204',
    weight: 6,
    versions: ['21.2R3-S4.8', '22.4R2.8'],
    images: [
      'junos-vmhost-install-mx-x86-64-21.2R3-S4.8.tgz',
      'junos-vmhost-install-mx-x86-64-22.4R2.8.tgz',
    ],
  },
  {
    prefix: 'ex-access',
    model: 'EX4300-48T',
    weight: 20,
    versions: ['21.4R3.15', '22.3R2.11'],
    images: ['jinstall-ex-4300-21.4R3.15-signed.tgz', 'jinstall-ex-4300-22.3R2.11-signed.tgz'],
  },
  {
    prefix: 'ex-dist',
    model: 'EX4650-48Y',
    weight: 6,
    versions: ['21.4R3-S3.4', '22.4R2.8'],
    images: ['junos-install-ex-x86-64-21.4R3-S3.4.tgz', 'junos-install-ex-x86-64-22.4R2.8.tgz'],
  },
  {
    prefix: 'qfx-leaf',
    model: 'QFX5120-48Y',
    weight: 12,
    versions: ['21.4R3-S3.4', '22.2R3.15'],
    images: [
      'junos-install-qfx-5e-x86-64-21.4R3-S3.4.tgz',
      'junos-install-qfx-5e-x86-64-22.2R3.15.tgz',
    ],
  },
  {
    prefix: 'qfx-spine',
    model: 'QFX5220-32CD',
    weight: 3,
    versions: ['21.4R3-S3.4-EVO', '22.4R2-EVO'],
    images: [
      'junos-evo-install-qfx-ms-x86-64-21.4R3-S3.4-EVO.iso',
      'junos-evo-install-qfx-ms-x86-64-22.4R2-EVO.iso',
    ],
  },
  {
    prefix: 'nfx-ucpe',
    model: 'NFX250',
    weight: 8,
    versions: ['21.4R3.15', '22.2R3.15'],
    images: ['nfx-3-x86-64-21.4R3.15.tgz', 'nfx-3-x86-64-22.2R3.15.tgz'],
  },
  {
    prefix: 'acx-agg',
    model: 'ACX7100-48L',
    weight: 5,
    versions: ['22.2R3-EVO', '23.2R1-EVO'],
    images: [
      'junos-evo-install-acx-f-x86-64-22.2R3-EVO.iso',
      'junos-evo-install-acx-f-x86-64-23.2R1-EVO.iso',
    ],
  },
  {
    prefix: 'ptx-core',
    model: 'PTX10008',
    weight: 2,
    versions: ['22.4R2-EVO', '23.2R1-S1-EVO'],
    images: [
      'junos-evo-install-ptx-x86-64-22.4R2-EVO.iso',
      'junos-evo-install-ptx-x86-64-23.2R1-S1-EVO.iso',
    ],
  },
];

export const INTERFACES = [
  'ge-0/0/1',
  'ge-0/0/2',
  'ge-0/0/3',
  'ge-0/0/4',
  'ge-0/0/5',
  'ge-0/0/6',
  'ge-0/0/7',
  'xe-0/0/0',
  'xe-0/0/1',
  'xe-0/1/0',
  'et-0/0/0',
  'et-0/0/1',
] as const;

export const INTERFACE_DESCRIPTIONS = [
  'uplink-to-core',
  'uplink-to-core-b',
  'wan-mpls',
  'wan-internet',
  'lan-users',
  'lan-voice',
  'to-fw-cluster',
  'peering-ix',
  'mgmt-oob',
  'server-farm',
  'printer-vlan',
  'guest-wifi',
] as const;

export const NTP_SERVERS = ['10.0.0.123', '10.0.0.124', '10.1.0.123', '172.16.0.10'] as const;
export const SYSLOG_HOSTS = ['10.10.5.20', '10.10.5.21', '10.20.5.20', '172.16.20.15'] as const;
export const SNMP_COMMUNITIES = ['n0c-r3ad', 'mon1tor-ro', 'nms-poll-2024', 'ro-7f3a9c'] as const;
export const VLANS = [
  ['users', 110],
  ['voice', 120],
  ['printers', 130],
  ['guest', 140],
  ['servers', 210],
  ['iot', 310],
] as const;

/** CLI configlets and the configuration lines each adds. */
export const CONFIGLETS: readonly { name: string; lines: readonly string[] }[] = [
  {
    name: 'set-ntp-servers',
    lines: ['set system ntp server 10.0.0.123 prefer', 'set system ntp server 10.0.0.124'],
  },
  {
    name: 'add-syslog-host',
    lines: [
      'set system syslog host 10.10.5.20 any notice',
      'set system syslog host 10.10.5.20 authorization info',
    ],
  },
  {
    name: 'rotate-snmp-community',
    lines: [
      'set snmp community nms-poll-2024 authorization read-only',
      'set snmp community nms-poll-2024 clients 10.10.5.0/24',
    ],
  },
  {
    name: 'enable-ssh-v2-only',
    lines: [
      'set system services ssh protocol-version v2',
      'set system services ssh root-login deny',
    ],
  },
  {
    name: 'update-login-banner',
    lines: ['set system login message "Authorized access only. Activity is monitored."'],
  },
  {
    name: 'add-default-route',
    lines: ['set routing-options static route 0.0.0.0/0 next-hop 10.20.3.254'],
  },
  {
    name: 'disable-telnet',
    lines: ['delete system services telnet', 'set system services netconf ssh'],
  },
  {
    name: 'set-login-class-noc',
    lines: [
      'set system login class noc permissions [ view view-configuration ]',
      'set system login class noc idle-timeout 15',
    ],
  },
  {
    name: 'bgp-neighbor-add',
    lines: [
      'set protocols bgp group ibgp type internal',
      'set protocols bgp group ibgp neighbor 10.255.0.12',
    ],
  },
  {
    name: 'lldp-enable',
    lines: ['set protocols lldp interface all', 'set protocols lldp-med interface all'],
  },
];

export interface DeviceTemplate {
  name: string;
  lines: readonly string[];
  /** Device name prefixes it applies to; all when absent. */
  platforms?: readonly string[];
}

/** Device templates (Junos Space) and their lines. */
export const TEMPLATES: readonly DeviceTemplate[] = [
  {
    name: 'branch-srx-baseline',
    platforms: ['srx-branch', 'nfx'],
    lines: [
      'set security zones security-zone trust interfaces ge-0/0/1.0',
      'set security zones security-zone untrust interfaces ge-0/0/0.0 host-inbound-traffic system-services ike',
    ],
  },
  {
    name: 'ntp-syslog-standard',
    lines: ['set system ntp server 10.0.0.123', 'set system syslog host 10.10.5.20 any warning'],
  },
  {
    name: 'snmp-v3-monitoring',
    lines: [
      'set snmp v3 usm local-engine user nms authentication-sha',
      'set snmp v3 vacm security-to-group security-model usm security-name nms group ro-group',
    ],
  },
  {
    name: 'ipsec-hub-spoke',
    platforms: ['srx'],
    lines: [
      'set security ike gateway hub-gw address 198.51.100.1',
      'set security ipsec vpn hub-vpn bind-interface st0.0',
    ],
  },
  {
    name: 'ex-access-ports',
    platforms: ['ex-access'],
    lines: [
      'set interfaces interface-range access-ports member-range ge-0/0/0 to ge-0/0/47',
      'set interfaces interface-range access-ports unit 0 family ethernet-switching vlan members users',
    ],
  },
  {
    name: 'mx-core-bgp',
    platforms: ['mx', 'ptx'],
    lines: [
      'set protocols bgp group core type internal local-address 10.255.0.1',
      'set protocols bgp group core family inet-vpn unicast',
    ],
  },
  {
    name: 'dhcp-relay-branch',
    platforms: ['srx-branch', 'ex', 'nfx'],
    lines: [
      'set forwarding-options dhcp-relay server-group corp 10.0.10.5',
      'set forwarding-options dhcp-relay group users interface irb.110',
    ],
  },
  {
    name: 'radius-aaa',
    lines: [
      'set system radius-server 10.0.20.11 secret "$9$radius"',
      'set system authentication-order [ radius password ]',
    ],
  },
];

export const SCRIPTS = [
  'collect-show-tech.slax',
  'check-bgp-peers.py',
  'interface-errors.slax',
  'cleanup-storage.py',
  'commit-check-hostname.slax',
  'backup-rescue-config.py',
  'verify-licenses.py',
] as const;

export const REPORT_DEFINITIONS = [
  'Device Inventory Report',
  'Software Compliance Report',
  'Audit Summary Report',
  'Interface Utilization Report',
  'License Usage Report',
] as const;

/** Alarms an operator acknowledges in Network Monitoring. */
export const ALARMS = [
  'Interface ge-0/0/1 down',
  'BGP peer 10.255.0.12 state changed to Idle',
  'Chassis alarm: PEM 1 not OK',
  'CPU utilization above 90%',
  'Storage /var above 95%',
  'Link flap detected on xe-0/0/0',
  'Configuration commit by unknown user',
] as const;

export const CSO_POLICIES = [
  'fw-policy-branch-default',
  'fw-policy-guest-wifi',
  'nat-policy-internet-breakout',
  'sd-wan-app-steering',
  'utm-web-filtering',
  'ips-branch-standard',
] as const;

export const CSO_TEMPLATES = [
  'branch-srx-baseline',
  'sdwan-hub-template',
  'nfx-ucpe-default',
  'lan-segment-template',
  'dual-wan-branch',
] as const;

export const SAD_DEFINITIONS = [
  'L3VPN-Gold',
  'L3VPN-Silver',
  'EVPN-ELAN-Standard',
  'E-Line-EPL',
  'DIA-Managed',
] as const;
export const SAD_SERVICE_PREFIXES = ['l3vpn', 'l3vpn', 'evpn', 'eline', 'dia'] as const;

/** CA API Portal entities (entityType) and example names. */
export const PORTAL_OBJECTS: Readonly<Record<string, readonly string[]>> = {
  API: [
    'Payments API',
    'Orders v2',
    'Customer Profile API',
    'Inventory Service',
    'Shipping Rates',
    'Loyalty Points API',
    'Fraud Scoring',
  ],
  Application: [
    'mobile-banking-ios',
    'partner-portal',
    'checkout-web',
    'warehouse-scanner',
    'analytics-batch',
    'crm-sync',
  ],
  Organization: ['Acme Corp', 'Globex Partners', 'Initech Labs', 'Umbrella Health', 'Hooli Cloud'],
  'API EULA': ['Standard EULA v3', 'Partner EULA 2024', 'Internal Use Terms'],
  'API Plan': ['Bronze', 'Silver', 'Gold', 'Unlimited'],
  'Account Plan': ['Free Tier', 'Developer', 'Business', 'Enterprise'],
  'Custom Field': ['cost-center', 'support-tier', 'region', 'data-classification'],
  User: ['dev.alice', 'dev.bob', 'mobile-team', 'partner.integrations', 'qa.runner', 'ops.bot'],
};

/** HP VAN SDN artifacts: the staged file and the bundle it installs. */
export const SDN_ARTIFACTS: readonly { file: string; bundle: string }[] = [
  { file: 'geewiz-apps-1.0.0.jar', bundle: 'com.geewiz.apps' },
  { file: 'golly-gee-app.zip', bundle: 'golly-gee.plan' },
  { file: 'net-optimizer-2.3.1.zip', bundle: 'com.hp.netoptimizer' },
  { file: 'sentinel-sec-app-1.4.0.jar', bundle: 'com.hp.sentinel' },
  { file: 'path-diagnostics-3.0.2.jar', bundle: 'com.hp.pathdiag' },
  { file: 'qos-manager-1.1.7.zip', bundle: 'qos-manager.plan' },
];

/** The controller id the HP SDN reference page shows, kept for the first tenant. */
export const SDN_REFERENCE_SYSTEM_ID = 'a1adf6a0-13d3-45de-bf66-acc504e84dba';

export const LOGIN_FAILURES = [
  'Login failed: invalid credentials',
  'Login failed: invalid credentials',
  'Login failed: invalid credentials',
  'Login failed: password expired',
  'Login failed: user not found',
  'Login failed: RADIUS server 10.0.20.11 did not respond',
] as const;

/** Reasons a device-facing task fails. */
export const DEVICE_FAILURES = [
  'device not reachable',
  'connection timed out after 120 seconds',
  'commit check failed: syntax error',
  'configuration database locked by user root',
  'authentication failed on device',
  'NETCONF session closed unexpectedly',
  'insufficient storage on /var/tmp',
] as const;

/** Reasons the platform itself fails a task. */
export const PLATFORM_FAILURES = [
  'disk full on /var/log',
  'database connection pool exhausted',
  'insufficient privileges for this domain',
  'license limit reached',
  'request timed out after 60 seconds',
] as const;

export const CSO_ERROR_CODES = [
  'ERR_VALIDATION',
  'ERR_DEVICE_UNREACHABLE',
  'ERR_TIMEOUT',
  'ERR_CONFLICT',
  'ERR_PERMISSION',
] as const;

/** Junos Space's Modify Application settings: what changed. */
export const APP_SETTINGS: readonly { name: string; detail: string }[] = [
  { name: 'Audit Log Retention', detail: 'Changed from 90 to 180 days' },
  { name: 'Password Policy', detail: 'Minimum length changed from 8 to 12' },
  { name: 'Session Timeout', detail: 'Changed from 30 to 15 minutes' },
  { name: 'Device Discovery', detail: 'SNMP probe enabled' },
  { name: 'Configuration Backup', detail: 'Keep 20 versions instead of 10' },
  { name: 'Alarm Forwarding', detail: 'Northbound SNMP trap target 10.10.5.21 added' },
];

export const DEVICE_TAGS = [
  'pci-scope',
  'maintenance',
  'branch',
  'core',
  'eol-2026',
  'lab',
  'critical',
] as const;

export const RBAC_ROLES = [
  'Device Manager',
  'Network Monitoring Operator',
  'Audit Log Administrator',
  'Template Manager',
  'Job Manager',
] as const;
