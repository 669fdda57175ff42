import { All, Controller, Get, Post, type INestApplication } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { RouteTable } from './route-table.js';
import { fastifyPathToPattern, registerUndeclaredMethods } from './undeclared-method.hook.js';

@Controller('items')
class ItemsController {
  @Get()
  list(): string[] {
    return [];
  }

  @Post()
  create(): string {
    return 'created';
  }

  @Get(':id')
  one(): string {
    return 'one';
  }
}

@Controller('anything')
class AnythingController {
  @All()
  any(): string {
    return 'any';
  }
}

describe(RouteTable.name, () => {
  const table = RouteTable.of([
    { path: '/items', methods: ['GET', 'HEAD', 'POST'] },
    { path: '/items/:id', methods: ['GET', 'HEAD'] },
    { path: '/items/:id', methods: ['DELETE'] },
    { path: /^\/files\/.*$/, methods: ['GET'] },
    { path: '/mounted', methods: undefined },
  ]);

  it('lists the methods of every route that matches, case-insensitive, trailing slash optional', () => {
    expect(table.methodsFor('/items')).toEqual(['GET', 'HEAD', 'POST']);
    expect(table.methodsFor('/ITEMS/')).toEqual(['GET', 'HEAD', 'POST']);
    expect(table.methodsFor('/items/42')).toEqual(['DELETE', 'GET', 'HEAD']);
    expect(table.methodsFor('/files/a/b')).toEqual(['GET']);
  });

  it('knows nothing of paths no route has (a 404), nor of mounted routers', () => {
    expect(table.methodsFor('/items/42/parts')).toBeUndefined();
    expect(table.methodsFor('/other')).toBeUndefined();
    expect(table.methodsFor('/mounted')).toBeUndefined();
  });
});

describe(registerUndeclaredMethods.name, () => {
  let app: INestApplication;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      controllers: [ItemsController, AnythingController],
    }).compile();
    const nest = moduleRef.createNestApplication<NestFastifyApplication>(
      new FastifyAdapter({ routerOptions: { caseSensitive: false, ignoreTrailingSlash: true } }),
      { logger: false },
    );
    registerUndeclaredMethods(nest.getHttpAdapter().getInstance());
    app = await nest.init();
    await nest.getHttpAdapter().getInstance().ready();
  });

  afterAll(() => app.close());

  it('answers an undeclared method on a known path with 405, Allow and the one error shape', async () => {
    const response = await request(app.getHttpServer()).delete('/items').expect(405);
    expect(response.headers.allow).toBe('GET, HEAD, POST, OPTIONS');
    expect(response.body).toEqual({
      statusCode: 405,
      error: 'Method Not Allowed',
      message: 'DELETE is not supported on /items: use GET, HEAD, POST, OPTIONS.',
      requestId: expect.any(String),
    });
    await request(app.getHttpServer())
      .post('/items/7')
      .expect(405)
      .expect('Allow', 'GET, HEAD, OPTIONS');
    await request(app.getHttpServer())
      .put('/ITEMS/7/')
      .expect(405)
      .expect('Allow', 'GET, HEAD, OPTIONS');
  });

  it('answers OPTIONS with 204 and Allow', async () => {
    await request(app.getHttpServer())
      .options('/items/7')
      .expect(204)
      .expect('Allow', 'GET, HEAD, OPTIONS');
  });

  it('lets routed methods, HEAD of a GET, all-method routes and unknown paths through', async () => {
    await request(app.getHttpServer()).post('/items').expect(201, 'created');
    await request(app.getHttpServer()).head('/items/7').expect(200);
    await request(app.getHttpServer()).patch('/anything').expect(200, 'any');
    await request(app.getHttpServer()).delete('/nothing').expect(404);
  });
});

describe(fastifyPathToPattern.name, () => {
  it("turns Fastify's trailing wildcard into an optional catch-all", () => {
    const table = RouteTable.of([
      { path: fastifyPathToPattern('/dashboard/*'), methods: ['GET', 'HEAD'] },
      { path: fastifyPathToPattern('/items/:id'), methods: ['GET'] },
    ]);
    expect(table.methodsFor('/dashboard/')).toEqual(['GET', 'HEAD']);
    expect(table.methodsFor('/dashboard/a/b.js')).toEqual(['GET', 'HEAD']);
    expect(table.methodsFor('/items/3')).toEqual(['GET']);
  });
});
