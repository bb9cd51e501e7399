<?php

declare(strict_types=1);

namespace Tests\Binding;

use Bigperson\ModulposApiClient\Associate;
use Bigperson\ModulposApiClient\Client;
use Bigperson\ModulposApiClient\Exceptions\ApiException;
use Bigperson\ModulposApiClient\Exceptions\ModulposException;
use Bigperson\ModulposApiClient\Exceptions\RequiredParameterNotFound;
use Bigperson\ModulposApiClient\Exceptions\TransportException;
use Bigperson\ModulposApiClient\Exceptions\ValidationException;
use Tests\TestCase;

/**
 * Every API and transport failure, produced by the sandbox (its own answers and injected faults),
 * reaches PHP as its exception class with the HTTP status, the service's message, the error code
 * and whether a retry is safe, and never with a password in it.
 */
class ApiErrorsTest extends TestCase
{
    /** @var Client */
    private static $client;

    public static function setUpBeforeClass(): void
    {
        Sandbox::require();
        self::$client = Sandbox::client(['max_attempts' => 1, 'timeout_ms' => 600, 'retry_backoff_ms' => 10]);
    }

    protected function setUp(): void
    {
        Sandbox::clearFaults();
    }

    protected function tearDown(): void
    {
        Sandbox::clearFaults();
    }

    public function testWrongAssociationCredentialsAreAnAuthenticationError(): void
    {
        $client = new Client('nobody', 's3cret-Pa55', true);
        $e = $this->catchModulpos(static function () use ($client) {
            $client->getStatusFiscalService();
        });
        $this->assertInstanceOf(ApiException::class, $e);
        $this->assertSame('authentication', $e->getErrorCode());
        $this->assertSame(401, $e->getHttpStatus());
        $this->assertSame(401, $e->getCode());
        $this->assertFalse($e->isRetryable());
        $this->assertPasswordNotShown($e, 's3cret-Pa55');
    }

    public function testAWrongAccountPasswordIsAnAuthenticationError(): void
    {
        $associate = new Associate(getenv('MODULPOS_LOGIN'), 'wrong-Pa55word', getenv('MODULPOS_RETAIL_POINT_UUID'), true);
        $e = $this->catchModulpos(static function () use ($associate) {
            $associate->init();
        });
        $this->assertSame('authentication', $e->getErrorCode());
        $this->assertPasswordNotShown($e, 'wrong-Pa55word');
        $this->assertStringNotContainsString('wrong-Pa55word', print_r($associate, true), 'print_r hides the password');
    }

    public function testAnUnknownRetailPointIsNotFound(): void
    {
        $associate = new Associate(getenv('MODULPOS_LOGIN'), getenv('MODULPOS_PASSWORD'), 'ffffffff-ffff-4fff-8fff-ffffffffffff', true);
        $e = $this->catchModulpos(static function () use ($associate) {
            $associate->init();
        });
        $this->assertInstanceOf(ApiException::class, $e);
        $this->assertSame('not_found', $e->getErrorCode());
        $this->assertSame(404, $e->getHttpStatus());
        $this->assertFalse($e->isRetryable());
    }

    public function testAnUnknownDocumentIsNotFound(): void
    {
        $e = $this->catchModulpos(static function () {
            self::$client->getStatusDocumentById(Receipts::uuid());
        });
        $this->assertSame('not_found', $e->getErrorCode());
        $this->assertSame(404, $e->getHttpStatus());
    }

    public function testRequeueOfADocumentThatDidNotFailIsRejectedWithTheServicesMessage(): void
    {
        $order = Receipts::order();
        self::$client->sendCheck($order);
        $e = $this->catchModulpos(static function () use ($order) {
            self::$client->requeueDocument($order->getDocumentUuid());
        });
        $this->assertInstanceOf(ApiException::class, $e);
        $this->assertSame('rejected', $e->getErrorCode());
        $this->assertSame(400, $e->getHttpStatus());
        $this->assertNotEmpty($e->getServiceMessage());
        $this->assertFalse($e->isRetryable());
    }

    /**
     * @dataProvider faults
     *
     * @param array<string, mixed> $fault
     */
    #[\PHPUnit\Framework\Attributes\DataProvider('faults')]
    public function testEachFaultHasItsException(array $fault, string $class, string $code, ?int $status, bool $retryable): void
    {
        // A GET whose connection closes before any answer is asked once more (a stale kept-alive
        // connection), so a dropped connection must strike twice to be seen.
        $times = $fault['kind'] === 'drop' ? 2 : 1;
        Sandbox::addFaults(array_fill(0, $times, $fault + ['path_contains' => '/v1/status']));
        $e = $this->catchModulpos(static function () {
            self::$client->getStatusFiscalService();
        });
        // A call that sends no receipt never says one may exist; safe to resend is retryable.
        $this->assertFalse($e->mayExist());
        $this->assertSame($retryable, $e->isSafeToResend());
        $this->assertSame($class, get_class($e), $e->getMessage());
        $this->assertSame($code, $e->getErrorCode(), $e->getMessage());
        $this->assertSame($status, $e->getHttpStatus());
        $this->assertSame($retryable, $e->isRetryable());
        $this->assertInstanceOf(\Exception::class, $e);
        // The client keeps working after any failure.
        $this->assertIsString(self::$client->getStatusFiscalService()['status']);
    }

    public static function faults(): array
    {
        return [
            '503 json' => [['kind' => 'http_status', 'status' => 503, 'body' => 'json'], ApiException::class, 'server_error', 503, true],
            '502 html' => [['kind' => 'http_status', 'status' => 502, 'body' => 'html'], ApiException::class, 'server_error', 502, true],
            '403 empty' => [['kind' => 'http_status', 'status' => 403, 'body' => 'empty'], ApiException::class, 'forbidden', 403, false],
            '429 json' => [['kind' => 'http_status', 'status' => 429, 'body' => 'json'], ApiException::class, 'rejected', 429, true],
            '409 json' => [['kind' => 'http_status', 'status' => 409, 'body' => 'json'], ApiException::class, 'rejected', 409, false],
            'malformed' => [['kind' => 'malformed'], ApiException::class, 'malformed_response', 200, false],
            'drop' => [['kind' => 'drop'], TransportException::class, 'transport', null, true],
            'truncate' => [['kind' => 'truncate'], TransportException::class, 'transport', null, true],
            'delay' => [['kind' => 'delay', 'ms' => 1500], TransportException::class, 'timeout', null, true],
        ];
    }

    public function testAServerErrorCarriesTheServicesMessage(): void
    {
        Sandbox::addFaults([['kind' => 'http_status', 'status' => 500, 'body' => 'json', 'path_contains' => '/v1/status']]);
        $e = $this->catchModulpos(static function () {
            self::$client->getStatusFiscalService();
        });
        $this->assertSame('server_error', $e->getErrorCode());
        $this->assertNotNull($e->getServiceMessage());
        $this->assertStringContainsString('500', $e->getMessage());
    }

    public function testSendingGivesUpAfterMaxAttemptsWithARetryableError(): void
    {
        $client = Sandbox::client(['max_attempts' => 2, 'retry_backoff_ms' => 10]);
        Sandbox::addFaults([
            ['kind' => 'http_status', 'status' => 503, 'body' => 'json', 'path_contains' => '/doc'],
            ['kind' => 'http_status', 'status' => 503, 'body' => 'json', 'path_contains' => '/doc'],
        ]);
        $order = Receipts::order();
        $e = $this->catchModulpos(static function () use ($client, $order) {
            $client->sendCheck($order);
        });
        $this->assertSame('server_error', $e->getErrorCode());
        $this->assertTrue($e->isRetryable());
        // A 5xx to a POST leaves it unknown whether the receipt was created: it may exist, and
        // sending it again with the same documentUuid is safe.
        $this->assertTrue($e->mayExist());
        $this->assertTrue($e->isSafeToResend());
        $counters = Sandbox::counters();
        $this->assertFalse(isset($counters['documents'][$order->getDocumentUuid()]['created']) && $counters['documents'][$order->getDocumentUuid()]['created']);

        // Retrying with the same documentUuid, as isRetryable() says is safe, succeeds once.
        $status = $client->sendCheck($order);
        $this->assertContains($status['status'], ['QUEUED', 'PENDING', 'PRINTED']);
    }

    public function testAThrottledSendWaitsForRetryAfterAndThenSucceeds(): void
    {
        $client = Sandbox::client(['max_attempts' => 2, 'retry_backoff_ms' => 10]);
        Sandbox::addFaults([['kind' => 'http_status', 'status' => 429, 'retry_after' => 1, 'path_contains' => '/doc']]);
        $started = microtime(true);
        $status = $client->sendCheck(Receipts::order());
        $this->assertGreaterThanOrEqual(0.9, microtime(true) - $started);
        $this->assertContains($status['status'], ['QUEUED', 'PENDING', 'PRINTED']);
    }

    public function testAnInvalidReceiptNeitherMayExistNorIsSafeToResend(): void
    {
        Sandbox::addFaults([['kind' => 'http_status', 'status' => 400, 'body' => 'json', 'path_contains' => '/doc']]);
        $e = $this->catchModulpos(static function () {
            self::$client->sendCheck(Receipts::order());
        });
        $this->assertSame('rejected', $e->getErrorCode());
        $this->assertFalse($e->mayExist());
        $this->assertFalse($e->isSafeToResend());
    }

    public function testSendCheckThrowsTheOriginalExceptionsAndSendsNothing(): void
    {
        $before = Sandbox::counters()['requests'];
        $order = Receipts::order();
        $order->setOrderId(null);
        try {
            self::$client->sendCheck($order);
            $this->fail('an order without orderId was sent');
        } catch (RequiredParameterNotFound $e) {
            $this->assertSame('orderId is required', $e->getMessage());
        }
        $order = Receipts::order();
        $order->getPaymentItems()[0]->setSum('300.001');
        try {
            self::$client->sendCheck($order);
            $this->fail('a sum with 3 decimals was sent');
        } catch (ValidationException $e) {
            $this->assertSame('moneyPositions[0].sum', $e->getField());
        }
        $this->assertSame($before, Sandbox::counters()['requests'], 'nothing reached the service');
    }

    public function testAnUnknownOptionIsAnInvalidArgument(): void
    {
        $client = new Client('user', 'pass', true, null, ['no_such_option' => 1]);
        $e = $this->catchModulpos(static function () use ($client) {
            $client->getStatusFiscalService();
        });
        $this->assertInstanceOf(ValidationException::class, $e);
        $this->assertSame('invalid_argument', $e->getErrorCode());
        $this->assertStringContainsString('no_such_option', $e->getMessage());
    }

    public function testNothingListeningIsATransportError(): void
    {
        $socket = stream_socket_server('tcp://127.0.0.1:0');
        $address = stream_socket_get_name($socket, false);
        fclose($socket);
        $client = new Client('user', 'p4ss-never-shown', true, null, ['base_url' => "http://$address/api/fn", 'connect_timeout_ms' => 500]);
        $e = $this->catchModulpos(static function () use ($client) {
            $client->getStatusFiscalService();
        });
        $this->assertInstanceOf(TransportException::class, $e);
        $this->assertTrue($e->isRetryable());
        $this->assertPasswordNotShown($e, 'p4ss-never-shown');
    }

    public function testADocumentIdWithANulByteIsRefused(): void
    {
        $e = $this->catchModulpos(static function () {
            self::$client->getStatusDocumentById("abc\0def");
        });
        $this->assertSame('invalid_argument', $e->getErrorCode());
    }

    /**
     * Where exception traces carry arguments (zend.exception_ignore_args=0, PHP's built-in default
     * and php.ini-development's; error trackers read them), no password is among them.
     */
    public function testNoPasswordReachesTheArgumentsOfAStackTrace(): void
    {
        if (PHP_VERSION_ID < 80200) {
            $this->markTestSkipped('#[\SensitiveParameter] hides arguments from PHP 8.2 on');
        }
        $failures = [
            'a wrong account password' => static function () {
                (new Associate(getenv('MODULPOS_LOGIN'), 'trace-Pa55-1', getenv('MODULPOS_RETAIL_POINT_UUID'), true))->init();
            },
            'an account password that is not UTF-8' => static function () {
                (new Associate('login', "trace-Pa55-2\xff", 'point', true))->init();
            },
            'a client that cannot be made' => static function () {
                (new Client('login', 'trace-Pa55-3', true, null, ['no_such_option' => 1]))->getStatusFiscalService();
            },
            'a client password that is not UTF-8' => static function () {
                (new Client('login', "trace-Pa55-4\xff", true))->getStatusFiscalService();
            },
            'a wrong argument type to Client' => static function () {
                new Client('login', 'trace-Pa55-5', 'yes');
            },
            'a wrong argument type to Associate' => static function () {
                new Associate('login', 'trace-Pa55-6', 'point', 'yes');
            },
        ];
        $setting = ini_set('zend.exception_ignore_args', '0');
        try {
            foreach ($failures as $case => $failure) {
                try {
                    $failure();
                    $this->fail("$case: no exception");
                } catch (\Throwable $e) {
                    $arguments = [];
                    foreach ($e->getTrace() as $frame) {
                        if (strncmp($frame['class'] ?? '', 'Bigperson\\', 10) === 0) {
                            $arguments[] = $frame['args'] ?? [];
                        }
                    }
                    $this->assertNotEmpty(array_merge(...$arguments), "$case: the binding's frames record their arguments");
                    $this->assertStringNotContainsString('trace-Pa55', print_r($arguments, true) . $e, $case);
                }
            }
        } finally {
            ini_set('zend.exception_ignore_args', (string) $setting);
        }
    }

    private function catchModulpos(callable $call): ModulposException
    {
        try {
            $call();
        } catch (ModulposException $e) {
            return $e;
        }
        $this->fail('no ModulposException was thrown');
    }

    private function assertPasswordNotShown(ModulposException $e, string $password): void
    {
        $everything = $e->getMessage() . (string) $e->getServiceMessage() . json_encode($e->getIssues()) . (string) $e;
        $this->assertStringNotContainsString($password, $everything);
    }
}
