package io.silo.bench.load;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * Ranks {@code 0 … n-1} drawn with probability proportional to {@code 1 / (rank + 1)^exponent}:
 * a few hot tenants take most requests, and the long tail of cold ones still gets some.
 *
 * <p>Immutable, so thread-safe; each caller brings its own random generator.
 */
public final class Zipf {
    private final double[] cumulative;
    private final double exponent;

    public Zipf(int size, double exponent) {
        if (size < 1) {
            throw new IllegalArgumentException("a Zipf distribution needs at least one rank, got " + size);
        }
        if (!(exponent >= 0)) {
            throw new IllegalArgumentException("the Zipf exponent must be 0 or more, got " + exponent);
        }
        this.exponent = exponent;
        this.cumulative = new double[size];
        double sum = 0;
        for (int rank = 0; rank < size; rank++) {
            sum += 1 / Math.pow(rank + 1, exponent);
            cumulative[rank] = sum;
        }
        for (int rank = 0; rank < size; rank++) {
            cumulative[rank] /= sum;
        }
        cumulative[size - 1] = 1.0;
    }

    /** A rank, the hot ones most often. */
    public int next(RandomGenerator random) {
        int found = Arrays.binarySearch(cumulative, random.nextDouble());
        return found >= 0 ? found : -found - 1;
    }

    public int size() {
        return cumulative.length;
    }

    public double exponent() {
        return exponent;
    }

    /** The probability of one rank. */
    public double probability(int rank) {
        return rank == 0 ? cumulative[0] : cumulative[rank] - cumulative[rank - 1];
    }

    /** The fewest top ranks that together draw at least {@code share} of all picks: the hot tenants. */
    public int headCovering(double share) {
        for (int rank = 0; rank < cumulative.length; rank++) {
            if (cumulative[rank] >= share) {
                return rank + 1;
            }
        }
        return cumulative.length;
    }
}
