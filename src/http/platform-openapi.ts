import {
  ApiExcludeController,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { HealthCheck } from '@nestjs/terminus';
import { ErrorResponseDto } from '../common/error-response.dto.js';
import { HealthController, PROBE_SUMMARIES } from '../health/health-probes.js';
import { MetricsController } from '../metrics/metrics-scrape.js';

let described = false;

/**
 * The OpenAPI description of the routes every role serves (the probes, the metrics scrape),
 * applied when the api builds its document. As decorators on the controllers they would
 * make the operator, which serves them too, load @nestjs/swagger. Once per process: the
 * decorators add to what they find.
 */
export function describePlatformRoutes(): void {
  if (described) return;
  described = true;
  ApiTags('health')(HealthController);
  ApiExcludeController()(MetricsController);
  // terminus's 200 and 503 bodies first; ours then replaces the 503 (our error shape).
  const terminusDocs = HealthCheck({ noCache: false, swaggerDocumentation: true });
  const notReady = ApiServiceUnavailableResponse({
    type: ErrorResponseDto,
    description: 'A check failed (the message names it), or the process is shutting down.',
  });
  for (const [probe, summary] of Object.entries(PROBE_SUMMARIES)) {
    const descriptor = Object.getOwnPropertyDescriptor(HealthController.prototype, probe)!;
    for (const decorate of [ApiOperation({ summary }), terminusDocs, notReady]) {
      decorate(HealthController.prototype, probe, descriptor);
    }
  }
}
