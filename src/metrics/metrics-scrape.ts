import { Controller, Get, Header } from '@nestjs/common';
import { register } from 'prom-client';

/**
 * Served by every role and left out of the api's OpenAPI document (a scrape, not an API;
 * http/platform-openapi.ts). Not named `.controller.ts`, as health/health-probes.ts says.
 */
@Controller('metrics')
export class MetricsController {
  /** Prometheus text format from prom-client's default registry (every module registers there). */
  @Get()
  @Header('Content-Type', register.contentType)
  metrics(): Promise<string> {
    return register.metrics();
  }
}
