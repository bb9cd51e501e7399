<?php

declare(strict_types=1);

namespace Tests\Binding;

use Bigperson\ModulposApiClient\Associate;
use Bigperson\ModulposApiClient\Client;
use Bigperson\ModulposApiClient\Exceptions\ApiException;
use Bigperson\ModulposApiClient\Exceptions\ModulposException;
use Bigperson\ModulposApiClient\Exceptions\TransportException;
use GuzzleHttp\Handler\MockHandler;
use GuzzleHttp\HandlerStack;
use GuzzleHttp\Psr7\Response;
use Psr\Http\Message\RequestInterface;
use Tests\TestCase;

/**
 * The Guzzle client given to Client / Associate carries every request (Debian's
 * php-guzzlehttp-guzzle): a MockHandler answers, a proxy-like middleware forwards to the sandbox,
 * and a failure in Guzzle is a TransportException that never shows the password.
 */
class GuzzleTransportTest extends TestCase
{
    public static function setUpBeforeClass(): void
    {
        $autoload = '/usr/share/php/GuzzleHttp/autoload.php';
        if (!is_file($autoload)) {
            self::fail('Guzzle is not installed (Debian: apt-get install php-guzzlehttp-guzzle)');
        }
        require_once $autoload;
    }

    public function testAMockHandlerAnswersEveryRequest(): void
    {
        $mock = new MockHandler([
            new Response(200, ['Content-Type' => 'application/json'], '{"userName":"u-1","password":"p-1","name":"Shop","address":"Moscow"}'),
            new Response(200, [], '{"status":"QUEUED","fnState":"READY","message":"Document queued for printing"}'),
            new Response(200, [], '{"status":"READY","dateTime":"2026-11-28T12:00:00+03:00"}'),
            new Response(404, [], '{"status":404,"error":"Not Found","message":"no such document","path":"/x"}'),
        ]);
        $history = [];
        $stack = HandlerStack::create($mock);
        $stack->push(\GuzzleHttp\Middleware::history($history));
        $guzzle = new \GuzzleHttp\Client(['handler' => $stack]);
        // Nothing listens on port 9: only the mock can answer.
        $options = ['base_url' => 'http://127.0.0.1:9/api/fn'];

        $associate = new Associate('acct', 'acct-password', 'point-1', true, $guzzle, null, $options);
        $this->assertSame('u-1', $associate->init()['userName']);

        $client = new Client('u-1', 'p-1', true, $guzzle, $options);
        $order = Receipts::order();
        $result = $client->sendCheck($order);
        $this->assertSame('QUEUED', $result['status']);
        $this->assertSame('READY', $client->getStatusFiscalService()['status']);
        try {
            $client->getStatusDocumentById('nope');
            $this->fail('a 404 answer was not an error');
        } catch (ApiException $e) {
            $this->assertSame('not_found', $e->getErrorCode());
            $this->assertSame('no such document', $e->getServiceMessage());
        }

        $this->assertCount(4, $history);
        /** @var RequestInterface $post */
        $post = $history[1]['request'];
        $this->assertSame('POST', $post->getMethod());
        $this->assertSame('http://127.0.0.1:9/api/fn/v2/doc', (string) $post->getUri());
        $this->assertSame('Basic ' . base64_encode('u-1:p-1'), $post->getHeaderLine('Authorization'));
        $sent = json_decode((string) $post->getBody(), true);
        $this->assertSame($order->getDocumentUuid(), $sent['id']);
        $this->assertSame('POST', $history[0]['request']->getMethod());
        $this->assertSame('/api/fn/v1/associate/point-1', $history[0]['request']->getUri()->getPath());
    }

    public function testAProxyLikeMiddlewareCarriesTheRequestsToTheSandbox(): void
    {
        Sandbox::require();
        $real = (string) getenv('MODULPOS_TEST_BASE_URL');
        $seen = 0;
        // Like a forward proxy: the shop's code talks to an address that does not exist, the
        // middleware rewrites each request to the real host.
        $proxy = static function (callable $handler) use ($real, &$seen) {
            return static function (RequestInterface $request, array $options) use ($handler, $real, &$seen) {
                $seen++;
                $target = new \GuzzleHttp\Psr7\Uri($real);
                $uri = $request->getUri()->withScheme($target->getScheme())->withHost($target->getHost())->withPort($target->getPort());

                return $handler($request->withUri($uri), $options);
            };
        };
        $stack = HandlerStack::create();
        $stack->push($proxy);
        $guzzle = new \GuzzleHttp\Client(['handler' => $stack]);
        $options = ['base_url' => 'http://127.0.0.2:9/api/fn'];

        $association = (new Associate((string) getenv('MODULPOS_LOGIN'), (string) getenv('MODULPOS_PASSWORD'), (string) getenv('MODULPOS_RETAIL_POINT_UUID'), true, $guzzle, null, $options))->init();
        $client = new Client($association['userName'], $association['password'], true, $guzzle, $options);
        $this->assertSame('QUEUED', $client->sendCheck(Receipts::order())['status']);
        $this->assertSame(2, $seen);
    }

    public function testRetryAfterFromGuzzlesAnswerIsHonouredAsOnTheNativePath(): void
    {
        // A 429 asking for 1 s, then the answer: the library waits the second, then resends once.
        $history = [];
        $stack = HandlerStack::create(new MockHandler([
            new Response(429, ['Retry-After' => '1'], '{"status":429,"error":"Too Many Requests","message":"slow down","path":"/x"}'),
            new Response(200, [], '{"status":"QUEUED","fnState":"READY","message":"Document queued for printing"}'),
        ]));
        $stack->push(\GuzzleHttp\Middleware::history($history));
        $options = ['base_url' => 'http://127.0.0.1:9/api/fn', 'max_attempts' => 3, 'retry_backoff_ms' => 10];
        $client = new Client('u-1', 'p-1', true, new \GuzzleHttp\Client(['handler' => $stack]), $options);
        $started = microtime(true);
        $this->assertSame('QUEUED', $client->sendCheck(Receipts::order())['status']);
        $this->assertGreaterThanOrEqual(0.95, microtime(true) - $started);
        $this->assertCount(2, $history);

        // Asked for longer than the deadline: the refusal comes back at once, with the wait.
        $stack = HandlerStack::create(new MockHandler([
            new Response(429, ['Retry-After' => '60'], ''),
        ]));
        $options['deadline_ms'] = 2000;
        $client = new Client('u-1', 'p-1', true, new \GuzzleHttp\Client(['handler' => $stack]), $options);
        try {
            $client->sendCheck(Receipts::order());
            $this->fail('a 429 was not an error');
        } catch (ModulposException $e) {
            $this->assertSame(429, $e->getHttpStatus());
            $this->assertSame(60000, $e->getRetryAfterMs());
        }
    }

    public function testAGuzzleFailureIsATransportErrorWithoutThePassword(): void
    {
        $mock = new MockHandler([
            static function (RequestInterface $request) {
                throw new \GuzzleHttp\Exception\ConnectException('proxy said no to ' . $request->getHeaderLine('Authorization'), $request);
            },
            static function (RequestInterface $request) {
                throw new \RuntimeException('still no');
            },
        ]);
        $guzzle = new \GuzzleHttp\Client(['handler' => HandlerStack::create($mock)]);
        $client = new Client('u-1', 'very-secret-pw', true, $guzzle, ['base_url' => 'http://127.0.0.1:9/api/fn', 'max_attempts' => 1]);
        try {
            $client->getStatusFiscalService();
            $this->fail('a failed exchange was not an error');
        } catch (TransportException $e) {
            $this->assertSame('transport', $e->getErrorCode());
            $this->assertTrue($e->isRetryable());
            $this->assertStringContainsString('ConnectException', $e->getMessage());
            $this->assertStringNotContainsString('very-secret-pw', $e->getMessage());
            $this->assertStringNotContainsString(base64_encode('u-1:very-secret-pw'), $e->getMessage());
        }
        $this->expectException(TransportException::class);
        $client->getStatusDocumentById('doc-1');
    }
}
