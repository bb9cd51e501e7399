<?php

declare(strict_types=1);

namespace Tests\Binding;

use Bigperson\ModulposApiClient\Associate;
use Bigperson\ModulposApiClient\CallbackVerifier;
use Bigperson\ModulposApiClient\Client;
use Bigperson\ModulposApiClient\Exceptions\ApiException;
use Bigperson\ModulposApiClient\Exceptions\CallbackException;
use Bigperson\ModulposApiClient\Exceptions\ValidationException;
use Tests\TestCase;

/**
 * Trusted callbacks: the sandbox calls a signed responseURL on a real HTTP endpoint on loopback
 * (`php -S` running fixtures/callback-endpoint.php); the endpoint's CallbackVerifier accepts the
 * genuine callback after confirming it with the service, and refuses forged and cross-document
 * replays without asking the service.
 */
class CallbackTest extends TestCase
{
    private const SECRET = 'php-shop-callback-secret-0123456789';

    /** @var Client */
    private static $client;

    /** @var array{0: string, 1: string} */
    private static $credentials;

    /** @var resource|null */
    private $server;

    /** @var string */
    private $log = '';

    public static function setUpBeforeClass(): void
    {
        Sandbox::require();
        $association = (new Associate(
            getenv('MODULPOS_LOGIN'),
            getenv('MODULPOS_PASSWORD'),
            getenv('MODULPOS_RETAIL_POINT_UUID'),
            true,
            null,
            'php-callback-' . bin2hex(random_bytes(4))
        ))->init();
        self::$credentials = [$association['userName'], $association['password']];
        self::$client = new Client($association['userName'], $association['password'], true);
    }

    protected function setUp(): void
    {
        Sandbox::clearFaults();
    }

    protected function tearDown(): void
    {
        if (is_resource($this->server)) {
            proc_terminate($this->server);
            proc_close($this->server);
        }
        if ($this->log !== '' && is_file($this->log)) {
            unlink($this->log);
        }
    }

    public function testTheSandboxCallbackIsAcceptedAndConfirmedAndForgeriesAreRefused(): void
    {
        $base = $this->startEndpoint();
        $verifier = new CallbackVerifier(self::$client, self::SECRET);
        $order = Receipts::order();
        $id = $order->getDocumentUuid();
        $url = $verifier->signedUrl($base . '/modulpos/callback?order=7', $id);
        $this->assertStringStartsWith($base . '/modulpos/callback?order=7&mk_doc=' . $id . '&mk_sig=', $url);

        self::$client->sendCheck($order, $url);

        $records = $this->waitForRecords(1);
        $this->assertSame(200, $records[0]['answer'], json_encode($records[0]));
        $this->assertSame($id, $records[0]['document_id']);
        // At the callback the service is waiting for the shop's 200.
        $this->assertSame('WAIT_FOR_CALLBACK', $records[0]['status']);
        $this->assertTrue($records[0]['fiscalized']);
        $this->assertTrue($records[0]['claim_agrees']);
        $this->assertStringContainsString('&status=SUCCESS&qr=', $records[0]['query']);
        $this->assertSame('COMPLETED', Sandbox::waitForStatus(self::$client, $id, ['COMPLETED'])['status']);
        $counters = Sandbox::counters();
        $this->assertSame(1, $counters['documents'][$id]['callback_attempts']);

        // The genuine callback's query replayed for another document, and one signed with another secret.
        $other = Receipts::order();
        self::$client->sendCheck($other);
        $otherId = $other->getDocumentUuid();
        $replayed = str_replace('mk_doc=' . $id, 'mk_doc=' . $otherId, $records[0]['query']);
        $forged = (new CallbackVerifier(self::$client, 'a-guessed-secret-0123456789'))->signedUrl($base . '/modulpos/callback', $otherId);
        $requestsBefore = Sandbox::counters()['requests'];
        $this->assertSame(403, $this->get($base . '/modulpos/callback?' . $replayed));
        $this->assertSame(403, $this->get($forged . '&status=SUCCESS'));
        $this->assertSame(403, $this->get($base . '/modulpos/callback?mk_doc=' . $otherId . '&status=SUCCESS'));
        $this->assertSame($requestsBefore, Sandbox::counters()['requests'], 'a refused callback asks the service nothing');
        $records = $this->waitForRecords(4);
        foreach (array_slice($records, 1) as $record) {
            $this->assertSame(['answer' => 403, 'code' => 'callback_signature'], array_slice($record, 0, 2));
        }
    }

    public function testTheResultIsTheServicesStatusNotTheClaim(): void
    {
        $verifier = new CallbackVerifier(self::$client, self::SECRET);
        Sandbox::failNext(1, 'FN_GENERIC_FAILURE', 'paper jam');
        $order = Receipts::order();
        self::$client->sendCheck($order);
        $this->assertSame('FAILED', Sandbox::waitForStatus(self::$client, $order->getDocumentUuid())['status']);
        // A genuine URL of this document replayed with a made-up SUCCESS.
        $url = $verifier->signedUrl('http://127.0.0.1:1/cb', $order->getDocumentUuid());
        $result = $verifier->verify($url . '&status=SUCCESS&qr=t%3D1');
        $this->assertSame('FAILED', $result['document_status']['status']);
        $this->assertFalse($result['fiscalized']);
        $this->assertFalse($result['claim_agrees']);
        $this->assertSame('SUCCESS', $result['claimed']['status']);

        $unknown = $verifier->signedUrl('http://127.0.0.1:1/cb', 'never-sent-' . bin2hex(random_bytes(4)));
        try {
            $verifier->verify($unknown);
            $this->fail('an unknown document is not confirmed');
        } catch (ApiException $e) {
            $this->assertSame('not_found', $e->getErrorCode());
        }
    }

    public function testTheSecretStaysOutOfErrorsTracesAndDumps(): void
    {
        $verifier = new CallbackVerifier(self::$client, self::SECRET);
        $previous = ini_set('zend.exception_ignore_args', '0');
        try {
            $verifier->verify('mk_doc=x&mk_sig=AAAA');
            $this->fail('a wrong signature is refused');
        } catch (CallbackException $e) {
            $this->assertSame('callback_signature', $e->getErrorCode());
            $this->assertFalse($e->isRetryable());
            $this->assertStringNotContainsString(self::SECRET, $e->getMessage() . $e->getTraceAsString());
        } finally {
            ini_set('zend.exception_ignore_args', (string) $previous);
        }
        try {
            (new CallbackVerifier(self::$client, 'short'))->signedUrl('http://127.0.0.1/cb', 'd');
            $this->fail('a short secret is refused');
        } catch (ValidationException $e) {
            $this->assertSame('secret', $e->getField());
            $this->assertStringNotContainsString("'short'", $e->getMessage());
        }
        ob_start();
        var_dump($verifier);
        print_r($verifier);
        $dump = (string) ob_get_clean();
        $this->assertStringNotContainsString(self::SECRET, $dump);
        $this->expectException(\LogicException::class);
        serialize($verifier);
    }

    /** Starts `php -S` with the callback endpoint on a free loopback port; returns its root URL. */
    private function startEndpoint(): string
    {
        $probe = stream_socket_server('tcp://127.0.0.1:0');
        $port = (int) substr((string) strrchr((string) stream_socket_get_name($probe, false), ':'), 1);
        fclose($probe);
        $this->log = (string) tempnam(sys_get_temp_dir(), 'mk-callbacks-');
        $env = getenv();
        $env['CB_LOGIN'] = self::$credentials[0];
        $env['CB_PASSWORD'] = self::$credentials[1];
        $env['CB_SECRET'] = self::SECRET;
        $env['CB_LOG'] = $this->log;
        // The built-in server is not the CLI SAPI, so ffi.enable=preload would not let it use FFI.
        $command = [PHP_BINARY, '-d', 'ffi.enable=1', '-S', "127.0.0.1:$port", __DIR__ . '/fixtures/callback-endpoint.php'];
        $this->server = proc_open($command, [0 => ['file', '/dev/null', 'r'], 1 => ['file', '/dev/null', 'w'], 2 => ['file', '/dev/null', 'w']], $pipes, null, $env);
        $deadline = microtime(true) + 10;
        while (microtime(true) < $deadline) {
            $socket = @stream_socket_client("tcp://127.0.0.1:$port", $errno, $error, 1);
            if ($socket !== false) {
                fclose($socket);

                return "http://127.0.0.1:$port";
            }
            usleep(20000);
        }
        $this->fail("php -S did not start on port $port");
    }

    /** @return array<int, array<string, mixed>> the endpoint's records, once there are $count */
    private function waitForRecords(int $count): array
    {
        $deadline = microtime(true) + 10;
        do {
            $lines = array_filter(explode("\n", (string) file_get_contents($this->log)));
            if (count($lines) >= $count) {
                return array_map(static function ($line) {
                    return json_decode($line, true, 512, JSON_THROW_ON_ERROR);
                }, array_values($lines));
            }
            usleep(20000);
        } while (microtime(true) < $deadline);
        $this->fail("the callback endpoint recorded fewer than $count requests: " . implode(' | ', $lines));
    }

    /** GET a URL; returns the HTTP status. */
    private function get(string $url): int
    {
        $context = stream_context_create(['http' => ['ignore_errors' => true, 'timeout' => 10]]);
        @file_get_contents($url, false, $context);

        return (int) (explode(' ', $http_response_header[0] ?? 'HTTP/1.0 0')[1] ?? 0);
    }
}
