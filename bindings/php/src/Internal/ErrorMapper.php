<?php

declare(strict_types=1);

namespace Bigperson\ModulposApiClient\Internal;

use Bigperson\ModulposApiClient\Exceptions\ApiException;
use Bigperson\ModulposApiClient\Exceptions\CallbackException;
use Bigperson\ModulposApiClient\Exceptions\ItemsNotFound;
use Bigperson\ModulposApiClient\Exceptions\LibraryException;
use Bigperson\ModulposApiClient\Exceptions\ModulposException;
use Bigperson\ModulposApiClient\Exceptions\RequiredParameterNotFound;
use Bigperson\ModulposApiClient\Exceptions\TransportException;
use Bigperson\ModulposApiClient\Exceptions\ValidationException;

/**
 * Turns the library's error envelope into an exception, by stable codes only: the error's `code`
 * and each issue's `rule` (never the English text of a message or reason).
 *
 * A receipt the library rejects is first checked for the problems the original package reported
 * with its own classes, in the order it checked them (documentUuid, checkoutDateTime, orderId,
 * typeOperation, customerContact, items, each item's price / vatTag / quantity / name, payment
 * items, each payment's type / sum): the first issue with the rule `required` on one of those
 * fields becomes RequiredParameterNotFound or ItemsNotFound with the original message. Any other
 * problem (a negative amount, a bad format, ...) becomes a ValidationException naming the field.
 *
 * @internal
 */
final class ErrorMapper
{
    /** Document-level fields the original required, in its order, with its message. */
    private const REQUIRED_DOCUMENT_FIELDS = [
        'id' => 'documentUuid is required',
        'checkoutDateTime' => 'checkoutDateTime is required',
        'docNum' => 'orderId is required',
        'docType' => 'typeOperation is required',
        'email' => 'customerContact is required',
    ];

    /** Position fields the original required, in its order. */
    private const REQUIRED_ITEM_FIELDS = [
        'price' => 'price in orderItem is required',
        'vatTag' => 'vatTag in orderItem is required',
        'quantity' => 'quantity in orderItem is required',
        'name' => 'name in orderItem is required',
    ];

    /** Payment fields the original required, in its order. */
    private const REQUIRED_PAYMENT_FIELDS = [
        'paymentType' => 'type in paymentItem is required',
        'sum' => 'sum in paymentItem is required',
    ];

    /**
     * The lists the original required after the document fields, in its order: its message for an
     * empty list (ItemsNotFound), then the fields it required in each element.
     */
    private const REQUIRED_LISTS = [
        'inventPositions' => ['orderItems is required', self::REQUIRED_ITEM_FIELDS],
        'moneyPositions' => ['paymentItems is required', self::REQUIRED_PAYMENT_FIELDS],
    ];

    private function __construct()
    {
    }

    /**
     * @param array<string, mixed> $error the envelope's `error` object
     *
     * @return \Exception a ModulposException, or one of the original validation exceptions
     */
    public static function fromEnvelopeError(array $error): \Exception
    {
        $code = is_string($error['code'] ?? null) ? $error['code'] : 'internal';
        $message = is_string($error['message'] ?? null) ? $error['message'] : "modulpos error ($code)";
        $issues = self::issues($error['issues'] ?? []);

        if ($code === 'validation') {
            $original = self::originalValidationException($issues);
            if ($original !== null) {
                return $original;
            }
        }

        $httpStatus = is_int($error['http_status'] ?? null) ? $error['http_status'] : null;
        $serviceMessage = is_string($error['service_message'] ?? null) ? $error['service_message'] : null;
        $retryable = ($error['retryable'] ?? false) === true;
        $field = is_string($error['field'] ?? null) ? $error['field'] : null;
        $mayExist = ($error['may_exist'] ?? false) === true;
        $safeToResend = is_bool($error['safe_to_resend'] ?? null) ? $error['safe_to_resend'] : $retryable;
        $retryAfterMs = is_int($error['retry_after_ms'] ?? null) ? $error['retry_after_ms'] : null;
        $issueCount = is_int($error['issue_count'] ?? null) ? $error['issue_count'] : count($issues);

        return self::create(
            $code,
            $message,
            $httpStatus,
            $serviceMessage,
            $retryable,
            $field,
            $issues,
            $mayExist,
            $safeToResend,
            $retryAfterMs,
            $issueCount
        );
    }

    /**
     * The exception class for a stable error code.
     *
     * @param array<int, array{field: string, rule: string, reason: string}> $issues
     */
    public static function create(
        string $code,
        string $message,
        ?int $httpStatus = null,
        ?string $serviceMessage = null,
        bool $retryable = false,
        ?string $field = null,
        array $issues = [],
        bool $mayExist = false,
        ?bool $safeToResend = null,
        ?int $retryAfterMs = null,
        ?int $issueCount = null
    ): ModulposException {
        switch ($code) {
            case 'validation':
            case 'invalid_argument':
                $class = ValidationException::class;
                break;
            case 'authentication':
            case 'forbidden':
            case 'not_found':
            case 'rejected':
            case 'server_error':
            case 'malformed_response':
                $class = ApiException::class;
                break;
            case 'transport':
            case 'timeout':
                $class = TransportException::class;
                break;
            case 'callback_signature':
                $class = CallbackException::class;
                break;
            default: // internal, and any code a newer library may add
                $class = LibraryException::class;
        }

        return new $class(
            $message,
            $code,
            $httpStatus,
            $serviceMessage,
            $retryable,
            $field,
            $issues,
            null,
            $mayExist,
            $safeToResend,
            $retryAfterMs,
            $issueCount
        );
    }

    /**
     * The original package's exception for the first problem it would have found, or null.
     *
     * @param array<int, array{field: string, rule: string, reason: string}> $issues
     */
    public static function originalValidationException(array $issues): ?\Exception
    {
        $best = null;
        $bestRank = null;
        foreach ($issues as $issue) {
            $candidate = self::rankOriginal($issue);
            if ($candidate !== null && ($bestRank === null || $candidate[0] < $bestRank)) {
                $bestRank = $candidate[0];
                $best = $candidate[1];
            }
        }

        return $best;
    }

    /**
     * The sort key is [step, element index, field order]: step 0 is the document fields, then each
     * list takes two steps, its emptiness and then its elements' fields. Only the rule `required`
     * counts: the original package reported missing values with its own classes, nothing else.
     *
     * @param array{field: string, rule: string, reason: string} $issue
     *
     * @return array{0: array<int, int>, 1: \Exception}|null [sort key, exception]
     */
    private static function rankOriginal(array $issue): ?array
    {
        if ($issue['rule'] !== 'required') {
            return null;
        }
        $field = $issue['field'];
        if (isset(self::REQUIRED_DOCUMENT_FIELDS[$field])) {
            $order = array_search($field, array_keys(self::REQUIRED_DOCUMENT_FIELDS), true);

            return [[0, 0, $order], new RequiredParameterNotFound(self::REQUIRED_DOCUMENT_FIELDS[$field])];
        }
        $step = 1;
        foreach (self::REQUIRED_LISTS as $list => [$emptyMessage, $elementFields]) {
            if ($field === $list) {
                return [[$step, 0, 0], new ItemsNotFound($emptyMessage)];
            }
            if (preg_match('/^' . $list . '\[(\d+)\]\.(\w+)$/', $field, $m) === 1 && isset($elementFields[$m[2]])) {
                $order = array_search($m[2], array_keys($elementFields), true);

                return [[$step + 1, (int) $m[1], $order], new RequiredParameterNotFound($elementFields[$m[2]])];
            }
            $step += 2;
        }

        return null;
    }

    /**
     * @param mixed $raw
     *
     * @return array<int, array{field: string, rule: string, reason: string}>
     */
    private static function issues($raw): array
    {
        $issues = [];
        if (!is_array($raw)) {
            return $issues;
        }
        foreach ($raw as $issue) {
            if (is_array($issue) && is_string($issue['field'] ?? null) && is_string($issue['reason'] ?? null)) {
                $rule = is_string($issue['rule'] ?? null) ? $issue['rule'] : '';
                $issues[] = ['field' => $issue['field'], 'rule' => $rule, 'reason' => $issue['reason']];
            }
        }

        return $issues;
    }
}
