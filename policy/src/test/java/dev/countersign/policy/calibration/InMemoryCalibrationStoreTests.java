package dev.countersign.policy.calibration;

/**
 * The {@link CalibrationStore} contract for {@link InMemoryCalibrationStore}.
 */
class InMemoryCalibrationStoreTests extends AbstractCalibrationStoreTests {

	@Override
	protected CalibrationStore createStore() {
		return new InMemoryCalibrationStore();
	}

}
