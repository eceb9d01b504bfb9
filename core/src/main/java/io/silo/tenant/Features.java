package io.silo.tenant;

import java.util.Collection;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What an organization's {@code features} switch off. Most features are free names an
 * application reads for itself ({@code pos}, {@code inventory}); Silo enforces only those of the
 * form {@code off:service} and {@code off:service.collection}: every data route of that service,
 * or of that one collection, reads and writes alike, is refused with 403 {@code feature-disabled}.
 * The data stay; removing the feature gives them back. Sign-ins, user management and the
 * organization's other services are not affected. Immutable, so thread-safe.
 *
 * @param switchedOff the services and {@code service.collection}s switched off
 */
public record Features(Set<String> switchedOff) {
    /** The prefix of a feature that switches a service or a collection off. */
    public static final String OFF = "off:";

    public Features {
        switchedOff = Set.copyOf(switchedOff);
    }

    /** Nothing switched off. */
    public static Features none() {
        return new Features(Set.of());
    }

    /** What a list of features switches off; the free names are left to applications. */
    public static Features of(Collection<String> features) {
        return new Features(features.stream()
                .filter(feature -> feature.startsWith(OFF))
                .map(feature -> feature.substring(OFF.length()))
                .collect(Collectors.toSet()));
    }

    /** The service or collection a feature switches off, when it is an {@code off:} one. */
    public static Optional<String> target(String feature) {
        return feature.startsWith(OFF) ? Optional.of(feature.substring(OFF.length())) : Optional.empty();
    }

    /** Whether {@code service} is switched off as a whole. */
    public boolean isOff(String service) {
        return switchedOff.contains(service);
    }

    /** Whether {@code collection} of {@code service} is switched off, alone or with its service. */
    public boolean isOff(String service, String collection) {
        return isOff(service) || switchedOff.contains(service + "." + collection);
    }
}
