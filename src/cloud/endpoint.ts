import type http from "node:http";
import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import type net from "node:net";
import type { Config, Endpoint } from "../config/index.js";
import type { Logger } from "../base/log.js";

/** The services this server calls, by their canonical host (the SDK signs the host's first label). */
export const SERVICE_HOSTS = { redis: "redis.tencentcloudapi.com", sts: "sts.tencentcloudapi.com" } as const;
export type Service = keyof typeof SERVICE_HOSTS;

/** Whether `host` is a host name of the service (redis.*, sts.*), which the SDK signs correctly as it is. */
export function isServiceHost(service: Service, host: string): boolean {
  return host.split(".")[0] === service && host.includes(".");
}

/** The host:port and protocol handed to the SDK for a service and region (see createAgent for overrides). */
export function serviceEndpoint(
  service: Service,
  override: Endpoint | undefined,
  region: string,
): { endpoint: string; protocol: string } {
  if (!override) {
    const host =
      service === "redis" && region.endsWith("-fsi") ? `redis.${region}.tencentcloudapi.com` : SERVICE_HOSTS[service];
    return { endpoint: host, protocol: "https://" };
  }
  const host = isServiceHost(service, override.host) ? override.host : SERVICE_HOSTS[service];
  return {
    endpoint: override.port === undefined ? host : `${host}:${override.port}`,
    protocol: `${override.protocol}//`,
  };
}

/** The proxy URL to use for `host`, unless NO_PROXY names it or it is a loopback address. */
export function useProxy(config: Pick<Config, "proxy" | "noProxy">, host: string): string | undefined {
  if (!config.proxy) return undefined;
  const name = host.toLowerCase();
  if (name === "localhost" || name === "::1" || /^127\./.test(name)) return undefined;
  const bypass = config.noProxy.some((entry) => {
    if (entry === "*") return true;
    const domain = entry.replace(/^\*?\./, "");
    return name === domain || name.endsWith(`.${domain}`);
  });
  return bypass ? undefined : config.proxy.reveal();
}

/**
 * The keep-alive agent for one service. The SDK signs with the service named by the endpoint's first label, so
 * an override such as 127.0.0.1:9000 is addressed as <service>.tencentcloudapi.com:9000 and this agent's lookup
 * connects it to the override's host: the signature's service and host stay canonical whatever is connected to.
 */
export async function createAgent(
  config: Pick<Config, "proxy" | "noProxy" | "keepAlive">,
  log: Logger,
  service: Service,
  override: Endpoint | undefined,
): Promise<http.Agent> {
  const agentOptions: http.AgentOptions & { lookup?: net.LookupFunction } = {
    keepAlive: config.keepAlive,
    maxSockets: 64,
  };
  const connectTo = override && !isServiceHost(service, override.host) ? override.host : undefined;
  if (connectTo) agentOptions.lookup = lookupAs(connectTo);
  const proxy = useProxy(config, override?.host ?? SERVICE_HOSTS[service]);
  if (proxy && connectTo) {
    // Through a proxy the SDK's host name is what gets connected: the override's own host cannot be reached.
    log.warning(`the proxy is not used for an endpoint whose host name is not ${service}.*: connecting directly`, {
      endpoint: connectTo,
    });
  } else if (proxy) {
    const { HttpsProxyAgent } = await import("https-proxy-agent");
    return new HttpsProxyAgent(proxy, agentOptions);
  }
  const { Agent } = override?.protocol === "http:" ? await import("node:http") : await import("node:https");
  return new Agent(agentOptions);
}

/** A dns.lookup that resolves any name to `host`'s address(es). */
function lookupAs(host: string): net.LookupFunction {
  return (_hostname, options, callback) => {
    dnsLookup(host, { ...options, all: true }, (err, addresses) => {
      if (err || options.all) {
        (callback as (e: NodeJS.ErrnoException | null, a: LookupAddress[]) => void)(err, addresses);
        return;
      }
      const first = addresses[0];
      callback(null, first?.address ?? "", first?.family ?? 4);
    });
  };
}
