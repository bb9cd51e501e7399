<?php

declare(strict_types=1);

namespace Bigperson\ModulposApiClient\Internal;

/**
 * Carries the library's audit trail (one JSON line per HTTP attempt, see the README's "Audit
 * trail") to a PSR-3 logger.
 *
 * The native log callback (mk_client_set_log_callback) runs inside the library call, on the
 * calling thread. PHP forbids an exception from leaving an FFI callback (a fatal error), and a
 * logger may throw, so the callback only copies the line into a bounded buffer; after the call
 * returns, flush() hands the lines to the logger, and an exception from the logger is dropped:
 * logging never changes the outcome of a call. The callback closure captures only the buffer, not
 * the handle, so a handle is freed as soon as it is unreferenced.
 *
 * psr/log stays optional: nothing here names a Psr class; the logger is any object with PSR-3's
 * log($level, $message, array $context) method.
 *
 * @internal
 */
final class AuditLog
{
    /** The most lines kept for one call; more are counted and reported as one line. */
    public const MAX_PENDING = 1000;

    /** mk_client_set_log_callback levels → PSR-3 levels. */
    private const LEVELS = [1 => 'error', 2 => 'warning', 3 => 'info', 4 => 'debug', 5 => 'debug'];

    /** @var object the PSR-3 logger */
    private $logger;

    /** @var \ArrayObject<int, array{0: int, 1: string}> lines waiting for flush() */
    private $pending;

    /** @var \Closure the callback given to the library; kept while it is set there */
    private $callback;

    /** @param object $logger a Psr\Log\LoggerInterface */
    public function __construct($logger)
    {
        if (!is_object($logger) || !method_exists($logger, 'log')) {
            throw new \InvalidArgumentException('the logger must be a Psr\Log\LoggerInterface');
        }
        $this->logger = $logger;
        $pending = new \ArrayObject();
        $this->pending = $pending;
        // Runs inside the native call: it must not throw.
        $this->callback = static function ($level, $line, $userData) use ($pending): void {
            if (count($pending) <= self::MAX_PENDING) {
                $pending[] = [(int) $level, is_string($line) ? $line : \FFI::string($line)];
            }
        };
    }

    public function callback(): \Closure
    {
        return $this->callback;
    }

    /** Hands the buffered lines to the logger, oldest first, and empties the buffer. */
    public function flush(): void
    {
        $lines = $this->pending->getArrayCopy();
        $this->pending->exchangeArray([]);
        if (count($lines) > self::MAX_PENDING) {
            array_pop($lines);
            $lines[] = [2, json_encode(['event' => 'audit_lines_dropped', 'message' => 'more than ' . self::MAX_PENDING . ' lines in one call; the rest were dropped'])];
        }
        foreach ($lines as [$level, $line]) {
            $event = json_decode($line, true);
            $this->log(self::LEVELS[$level] ?? 'info', is_array($event) ? $event : ['line' => $line]);
        }
    }

    /**
     * Logs validation warnings of a call's result (the library's `warnings` list), if it has any.
     *
     * @param mixed $warnings
     */
    public function warnings($warnings, ?string $documentId): void
    {
        if (!is_array($warnings)) {
            return;
        }
        foreach ($warnings as $warning) {
            $context = is_array($warning) ? $warning : ['warning' => $warning];
            $context['event'] = 'validation_warning';
            $context['document_id'] = $documentId;
            $this->log('warning', $context);
        }
    }

    /** @param array<string, mixed> $event */
    private function log(string $level, array $event): void
    {
        try {
            $this->logger->log($level, self::message($event), $event);
        } catch (\Throwable $e) {
            // A failing logger must not turn a sent receipt into an exception.
        }
    }

    /** @param array<string, mixed> $event */
    private static function message(array $event): string
    {
        if (($event['event'] ?? null) !== 'http_attempt') {
            $text = $event['message'] ?? $event['reason'] ?? $event['warning'] ?? '';

            return 'modulpos ' . ($event['event'] ?? 'event') . ': '
                . (isset($event['field']) && is_string($event['field']) && $event['field'] !== '' ? $event['field'] . ' ' : '')
                . (is_scalar($text) ? (string) $text : '')
                . (isset($event['rule']) && is_string($event['rule']) ? ' [' . $event['rule'] . ']' : '');
        }
        $status = isset($event['http_status']) ? 'HTTP ' . $event['http_status'] : 'no answer';
        $result = ($event['outcome'] ?? '') === 'ok'
            ? $status
            : ($event['error_code'] ?? 'error') . ' (' . $status . ')';

        return sprintf(
            'modulpos %s %s (%s, attempt %d)%s: %s in %d ms',
            $event['method'] ?? '?',
            $event['endpoint'] ?? '?',
            $event['operation'] ?? '?',
            (int) ($event['attempt'] ?? 0),
            isset($event['document_id']) ? ' document ' . $event['document_id'] : '',
            $result,
            (int) ($event['duration_ms'] ?? 0)
        );
    }
}
