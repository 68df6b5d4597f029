/**
 * @apollo/gateway (2.10 and later) starts a telemetry exporter in its constructor unless APOLLO_TELEMETRY_DISABLED
 * is "true" or "1": OpenTelemetry resource detectors probe the cloud metadata addresses (AWS, GCP, Azure) and an
 * OTLP exporter sends host, OS and CPU figures to Apollo's endpoint, at the latest when the gateway stops. A
 * gateway in front of hospitals' repositories sends nothing to third parties that its operator did not ask for,
 * and on a network that drops outside traffic the exporter's flush holds the shutdown for its timeout. So it is off
 * unless the operator sets the variable to something else (e.g. "false") on purpose. test/traps/ shows the trap.
 */
export function keepVendorTelemetryOff(env: NodeJS.ProcessEnv = process.env): void {
  // The gateway reads process.env itself, in its constructor; an explicit choice of the operator is left as it is.
  if (env.APOLLO_TELEMETRY_DISABLED === undefined) env.APOLLO_TELEMETRY_DISABLED = 'true';
}
