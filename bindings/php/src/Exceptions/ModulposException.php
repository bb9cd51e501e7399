<?php

namespace Bigperson\ModulposApiClient\Exceptions;

/**
 * Base of every error this binding adds to the original package: a failure reported by the
 * modulpos library, with the library's stable error code and the details it carries.
 *
 * Catch this class to handle every library error; catch a subclass (ApiException,
 * TransportException, ValidationException, LibraryException) to handle one kind. All of them
 * are plain \Exception subclasses. getCode() is the HTTP status where there was one, else 0.
 * Messages never contain a password.
 */
abstract class ModulposException extends \Exception
{
    /** @var string */
    private $errorCode;

    /** @var int|null */
    private $httpStatus;

    /** @var string|null */
    private $serviceMessage;

    /** @var bool */
    private $retryable;

    /** @var string|null */
    private $field;

    /** @var array<int, array{field: string, rule: string, reason: string}> */
    private $issues;

    /** @var bool */
    private $mayExist;

    /** @var bool */
    private $safeToResend;

    /** @var int|null */
    private $retryAfterMs;

    /** @var int */
    private $issueCount;

    /**
     * @param array<int, array{field: string, rule: string, reason: string}> $issues
     */
    public function __construct(
        string $message,
        string $errorCode,
        ?int $httpStatus = null,
        ?string $serviceMessage = null,
        bool $retryable = false,
        ?string $field = null,
        array $issues = [],
        ?\Throwable $previous = null,
        bool $mayExist = false,
        ?bool $safeToResend = null,
        ?int $retryAfterMs = null,
        ?int $issueCount = null
    ) {
        parent::__construct($message, $httpStatus ?? 0, $previous);
        $this->errorCode = $errorCode;
        $this->httpStatus = $httpStatus;
        $this->serviceMessage = $serviceMessage;
        $this->retryable = $retryable;
        $this->field = $field;
        $this->issues = $issues;
        $this->mayExist = $mayExist;
        $this->safeToResend = $safeToResend ?? $retryable;
        $this->retryAfterMs = $retryAfterMs;
        $this->issueCount = $issueCount ?? count($issues);
    }

    /**
     * Whether the service may hold the receipt this call sent (its answer was lost, or the service
     * answered 409). False when the call certainly created nothing: nothing was sent, or the
     * service refused it outright. Always false for calls that send no receipt. When true, never
     * send the receipt again under a new documentUuid: ask its status, or send it with the same one.
     */
    public function mayExist(): bool
    {
        return $this->mayExist;
    }

    /**
     * Whether sending the same receipt again, with the same documentUuid and unchanged, is safe
     * and may succeed (it cannot create a second receipt). False: it would be refused the same way
     * until the receipt, the config or the credentials are fixed.
     */
    public function isSafeToResend(): bool
    {
        return $this->safeToResend;
    }

    /** How long the service asked to wait before trying again (Retry-After), in ms, if it did. */
    public function getRetryAfterMs(): ?int
    {
        return $this->retryAfterMs;
    }

    /** How many problems the receipt has; getIssues() lists at most the first 100. */
    public function getIssueCount(): int
    {
        return $this->issueCount;
    }

    /**
     * The library's stable error code: validation, invalid_argument, authentication, forbidden,
     * not_found, rejected, server_error, transport, timeout, malformed_response, internal,
     * callback_signature, or one of this binding's own: library_not_found, abi_mismatch.
     */
    public function getErrorCode(): string
    {
        return $this->errorCode;
    }

    /** The HTTP status the service answered with, or null when there was no answer. */
    public function getHttpStatus(): ?int
    {
        return $this->httpStatus;
    }

    /** The service's own error message (from its JSON error body), when it sent one. */
    public function getServiceMessage(): ?string
    {
        return $this->serviceMessage;
    }

    /**
     * Whether repeating the same call may succeed. Sending a receipt again is safe only with the
     * same documentUuid: the service then answers with the existing document instead of a new one.
     */
    public function isRetryable(): bool
    {
        return $this->retryable;
    }

    /** The JSON path of the offending field (e.g. "inventPositions[0].price"), when there is one. */
    public function getField(): ?string
    {
        return $this->field;
    }

    /**
     * Every problem of a rejected receipt, each as ['field' => ..., 'reason' => ...]; empty for
     * other errors.
     *
     * @return array<int, array{field: string, rule: string, reason: string}>
     */
    public function getIssues(): array
    {
        return $this->issues;
    }
}
