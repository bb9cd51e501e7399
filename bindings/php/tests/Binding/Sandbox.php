<?php

declare(strict_types=1);

namespace Tests\Binding;

use Bigperson\ModulposApiClient\Associate;
use Bigperson\ModulposApiClient\Client;
use PHPUnit\Framework\TestCase as PHPUnitTestCase;
use Tests\TestCase;

/**
 * The sandbox's control interface (/sandbox/...) over plain PHP streams, and helpers for live tests.
 */
final class Sandbox
{
    /** The sandbox root, e.g. http://127.0.0.1:PORT (SANDBOX_ROOT, else MODULPOS_TEST_BASE_URL without /api/fn). */
    public static function root(): ?string
    {
        $root = getenv('SANDBOX_ROOT');
        if (is_string($root) && $root !== '') {
            return rtrim($root, '/');
        }
        $base = getenv('MODULPOS_TEST_BASE_URL');
        if (is_string($base) && preg_match('#^(https?://[^/]+)/api/fn/?$#', $base, $m) === 1) {
            return $m[1];
        }

        return null;
    }

    /** Skips the calling test unless a sandbox and the account env vars are there. */
    public static function require(): void
    {
        TestCase::requireLiveEnvironment();
        if (self::root() === null) {
            PHPUnitTestCase::markTestSkipped('no sandbox control interface (SANDBOX_ROOT)');
        }
    }

    /**
     * @param array<int, array<string, mixed>> $faults e.g. [['kind' => 'http_status', 'status' => 503, 'body' => 'json']]
     */
    public static function addFaults(array $faults): void
    {
        self::request('POST', '/sandbox/faults', ['faults' => $faults]);
    }

    public static function clearFaults(): void
    {
        self::request('DELETE', '/sandbox/faults');
    }

    public static function failNext(int $count, string $type = 'FN_GENERIC_FAILURE', string $message = 'test failure'): void
    {
        self::request('POST', '/sandbox/fail-next', ['count' => $count, 'type' => $type, 'message' => $message]);
    }

    /** @return array<string, mixed> */
    public static function counters(): array
    {
        return self::request('GET', '/sandbox/counters');
    }

    /**
     * A client with fresh association credentials. Each call associates with its own clientId, so
     * re-associating (which rotates the password) never breaks another test's credentials.
     *
     * @param array<string, mixed> $options
     */
    public static function client(array $options = []): Client
    {
        $credentials = (new Associate(
            getenv('MODULPOS_LOGIN'),
            getenv('MODULPOS_PASSWORD'),
            getenv('MODULPOS_RETAIL_POINT_UUID'),
            true,
            null,
            'php-tests-' . bin2hex(random_bytes(4))
        ))->init();

        return new Client($credentials['userName'], $credentials['password'], true, null, $options);
    }

    /**
     * Polls the document until its status is one of $final (or the deadline passes) and returns the last status.
     *
     * @param string[] $final
     */
    public static function waitForStatus(Client $client, string $documentId, array $final = ['PRINTED', 'COMPLETED', 'FAILED'], float $seconds = 10.0): array
    {
        $deadline = microtime(true) + $seconds;
        do {
            $status = $client->getStatusDocumentById($documentId);
            if (in_array($status['status'], $final, true)) {
                return $status;
            }
            usleep(20000);
        } while (microtime(true) < $deadline);

        return $status;
    }

    /**
     * @param array<string, mixed>|null $body
     *
     * @return mixed
     */
    private static function request(string $method, string $path, ?array $body = null)
    {
        $context = stream_context_create(['http' => [
            'method' => $method,
            'header' => "Content-Type: application/json\r\nConnection: close\r\n",
            'content' => $body === null ? '' : json_encode($body, JSON_THROW_ON_ERROR),
            'ignore_errors' => true,
            'timeout' => 10,
        ]]);
        $response = @file_get_contents(self::root() . $path, false, $context);
        if ($response === false) {
            throw new \RuntimeException("sandbox control request $method $path failed");
        }
        $statusLine = $http_response_header[0] ?? '';
        if (preg_match('#^HTTP/\S+ 2\d\d#', $statusLine) !== 1) {
            throw new \RuntimeException("sandbox control request $method $path answered $statusLine: $response");
        }

        return $response === '' ? null : json_decode($response, true, 512, JSON_THROW_ON_ERROR);
    }
}
